import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError } from "graphql";
import type { Outcome } from "./pipeline.js";
import { formatErrors } from "./format-result.js";

/** The JSON types a GraphQL HTTP response may take, in the client's order of preference. */
const RESPONSE_TYPES = ["application/graphql-response+json", "application/json"] as const;

/**
 * The JSON response type the client accepts, first listed wins; `application/json`
 * without an Accept header or for a wildcard; undefined when it accepts none of them.
 */
export function jsonResponseType(accept: string | undefined): string | undefined {
  if (!accept) return "application/json";
  for (const part of accept.split(",")) {
    const type = part.split(";")[0]!.trim().toLowerCase();
    if ((RESPONSE_TYPES as readonly string[]).includes(type)) return type;
    if (type === "*/*" || type === "application/*") return "application/json";
  }
  return undefined;
}

/** The refusal of a request whose Accept header allows none of our JSON types. */
export function notAcceptable(): GraphQLError {
  return new GraphQLError("The Accept header allows no response type this server sends (application/json, application/graphql-response+json, text/event-stream, text/html)", {
    extensions: { code: "not_acceptable", http: { status: 406 } },
  });
}

/**
 * Answers a CORS preflight of an allowed origin: what the browser asks for is allowed.
 * `cors` are the headers the origin policy gives the request.
 */
export function sendPreflight(req: IncomingMessage, res: ServerResponse, cors: Record<string, string>): void {
  const headers: Record<string, string> = { ...cors, "content-length": "0" };
  const method = req.headers["access-control-request-method"];
  if (method) headers["access-control-allow-methods"] = method;
  const requested = req.headers["access-control-request-headers"];
  if (requested) {
    headers["access-control-allow-headers"] = requested;
    headers.vary = headers.vary ? `${headers.vary}, Access-Control-Request-Headers` : "Access-Control-Request-Headers";
  }
  // Browsers may reuse the answer for this long instead of asking before every request.
  headers["access-control-max-age"] = "600";
  res.writeHead(204, headers);
  res.end();
}

/** Writes a JSON body with its status and headers (the router has set the CORS ones). */
export function sendJson(_req: IncomingMessage, res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, type = "application/json"): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": `${type}; charset=utf-8`,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/** Writes a single-result outcome (a stream is the SSE adapter's business). */
export function sendOutcome(req: IncomingMessage, res: ServerResponse, outcome: Outcome & { kind: "result" }, type?: string): void {
  sendJson(req, res, outcome.status, outcome.body, outcome.headers, type);
}

/** Writes a refusal made of coded errors, each asking for its status and headers. */
export function sendErrors(req: IncomingMessage, res: ServerResponse, errors: readonly GraphQLError[], type?: string): void {
  const formatted = formatErrors(errors);
  sendJson(req, res, formatted.status, formatted.body, formatted.headers, type);
}
