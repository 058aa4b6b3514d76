import { ApiError } from "../errors/api-error.js";

/** What a request's `Authorization` header says about who is calling. */
export type Credentials =
  | { kind: "anonymous" }
  | { kind: "basic"; login: string; password: string }
  | { kind: "bearer"; token: string };

const MALFORMED = "Malformed authorization header. Please consult the relevant specification";

/**
 * Reads an `Authorization` header the way MongooseIM's GraphQL handler does: no header,
 * or a Digest one, means no credentials (only `checkAuth` then works); Basic must
 * decode to `user@domain:password`; anything else is a malformed header. Unlike
 * MongooseIM, `Bearer <token>` carries one of the gateway's own tokens.
 * @throws ApiError `request_error` (HTTP 401) for a header that cannot be parsed.
 */
export function parseAuthorizationHeader(header: string | null | undefined): Credentials {
  if (header === null || header === undefined || header.trim() === "") return { kind: "anonymous" };
  const match = /^\s*([A-Za-z][A-Za-z0-9-]*)(?:\s+(.*))?$/.exec(header);
  const scheme = match?.[1]?.toLowerCase();
  if (scheme === "digest") return { kind: "anonymous" };
  if (scheme === "bearer") {
    const token = match?.[2]?.trim();
    return token ? { kind: "bearer", token } : { kind: "anonymous" };
  }
  if (scheme !== "basic" || !match?.[2]) throw new ApiError("request_error", MALFORMED, {}, 401);
  const encoded = match[2].trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) {
    throw new ApiError("request_error", MALFORMED, {}, 401);
  }
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon <= 0) throw new ApiError("request_error", MALFORMED, {}, 401);
  return { kind: "basic", login: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
