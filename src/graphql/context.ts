import type { XmppSession } from "../xmpp/session.js";

/** The authenticated caller of a request: always derived from credentials, never from arguments. */
export interface Caller {
  /** Bare JID, normalised (lower-case). */
  readonly jid: string;
  readonly username: string;
  readonly domain: string;
  /** How the caller proved who it is: a password, or one of the gateway's tokens. */
  readonly via: "password" | "access-token" | "refresh-token";
  /** The refresh token presented, when `via` is "refresh-token". */
  readonly refreshToken?: string;
  /** The caller's pooled XMPP session (re-checked with the request's own credentials). */
  session(): Promise<XmppSession>;
}

/**
 * Long-lived services every resolver may use. Empty here on purpose: the application
 * (src/app/services.ts) declares its members by module augmentation, so that this
 * generic kit names no domain and no layer above it.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Services {}

/** The context of one GraphQL operation (HTTP request, graphql-ws subscribe or SSE stream). */
export interface GraphQLContext {
  readonly services: Services;
  /** Undefined when the request carries no credentials (only `checkAuth` works then). */
  readonly caller: Caller | undefined;
  /**
   * The position a client resuming a stream sent through its transport (SSE's
   * `Last-Event-ID`, RFC 8895 / WHATWG HTML §9.2): the last event id it received.
   */
  readonly resumeFrom?: string;
}
