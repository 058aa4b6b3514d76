import type { Transport } from "../server/operation.js";

/*
 * What the gateway reports about itself, in one place: the transports, the login path and
 * the session pool call these hooks; logs (log-telemetry.ts) and metrics (metrics.ts) are
 * two listeners. Hooks never throw and never receive a password, a token or a header.
 */

/** One finished HTTP request, or one finished graphql-ws operation. */
export interface RequestEntry {
  requestId: string | undefined;
  transport: Transport | "other";
  /** HTTP method and path (HTTP only). */
  method?: string;
  path?: string;
  status: number;
  durationMs: number;
  operationName?: string;
  operationType?: "query" | "mutation" | "subscription";
  /** The caller's bare JID, when credentials were given and accepted. */
  user?: string;
  clientIp?: string;
}

/** Who a GraphQL operation is, once the pipeline knows it. */
export interface OperationInfo {
  operationName: string | undefined;
  operationType: "query" | "mutation" | "subscription";
  user: string | undefined;
}

export type LoginOutcome = "ok" | "failed" | "throttled";

export type XmppEvent =
  | { kind: "connected" | "reconnected"; user: string }
  | { kind: "disconnected"; user: string; reason: string | undefined }
  | { kind: "error"; user: string; reason: string };

export interface Telemetry {
  request(entry: RequestEntry): void;
  login(outcome: LoginOutcome, user: string | undefined, clientIp: string, reason?: string): void;
  xmpp(event: XmppEvent): void;
  subscription(event: "start" | "end", transport: Transport, operation: OperationInfo, requestId?: string): void;
  /** One IQ round trip, by the namespace of the IQ's child. */
  iq(namespace: string, durationMs: number, outcome: "ok" | "error" | "timeout"): void;
  /** One subscription result sent to a client. */
  pushed(transport: Transport): void;
}

/** A telemetry that tells every listener. */
export function fanOut(...listeners: Telemetry[]): Telemetry {
  return {
    request: (entry) => listeners.forEach((l) => l.request(entry)),
    login: (outcome, user, ip, reason) => listeners.forEach((l) => l.login(outcome, user, ip, reason)),
    xmpp: (event) => listeners.forEach((l) => l.xmpp(event)),
    subscription: (event, transport, operation, id) => listeners.forEach((l) => l.subscription(event, transport, operation, id)),
    iq: (ns, ms, outcome) => listeners.forEach((l) => l.iq(ns, ms, outcome)),
    pushed: (transport) => listeners.forEach((l) => l.pushed(transport)),
  };
}
