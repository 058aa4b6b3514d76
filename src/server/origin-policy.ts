import type { IncomingMessage } from "node:http";

/*
 * Which web pages may call the gateway. Browsers send `Origin` on cross-origin requests
 * (and on every POST and WebSocket upgrade); pages of the gateway's own origin (GraphiQL)
 * always may, others only when CORS_ORIGINS lists them. A request from a page that may
 * not is refused outright rather than merely left unreadable: a form POST needs no
 * preflight, so without the refusal it would run with the browser's cached credentials.
 * Clients that are not browsers send no Origin and are not concerned.
 */

/** What the gateway makes of a request's `Origin`. */
export type OriginVerdict =
  | { kind: "none" }
  | { kind: "same" }
  | { kind: "allowed"; origin: string }
  | { kind: "refused"; origin: string };

export interface OriginPolicy {
  judge(req: IncomingMessage): OriginVerdict;
}

/** The policy of an allow-list ("*": every origin, as `npm run dev` has it). */
export function createOriginPolicy(allowed: readonly string[] | "*", trustProxyHops = 0): OriginPolicy {
  const listed = new Set(allowed === "*" ? [] : allowed.map((o) => o.toLowerCase()));
  return {
    judge(req) {
      const origin = req.headers.origin;
      if (origin === undefined) return { kind: "none" };
      if (sameOrigin(origin, req, trustProxyHops > 0)) return { kind: "same" };
      if (allowed === "*" || listed.has(origin.toLowerCase())) return { kind: "allowed", origin };
      return { kind: "refused", origin };
    },
  };
}

// The page came from this server when its host is the one the request was sent to (the
// scheme is the proxy's business: TLS usually ends in front of the gateway).
function sameOrigin(origin: string, req: IncomingMessage, behindProxy: boolean): boolean {
  const host = (behindProxy && req.headers["x-forwarded-host"]) || req.headers.host;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** The response headers of an allowed cross-origin request (credentials included). */
export function corsHeadersOf(verdict: OriginVerdict): Record<string, string> {
  if (verdict.kind !== "allowed") return {};
  return { "access-control-allow-origin": verdict.origin, "access-control-allow-credentials": "true", vary: "Origin" };
}
