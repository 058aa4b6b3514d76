import type { XmppSession } from "../xmpp/session.js";
import type { SessionPool } from "../pool/session-pool.js";
import type { Config } from "../config.js";

/** The authenticated caller of a request: always derived from credentials, never from arguments. */
export interface Caller {
  /** Bare JID, normalised (lower-case). */
  readonly jid: string;
  readonly username: string;
  readonly domain: string;
  /** The caller's pooled XMPP session (re-checked with the request's own credentials). */
  session(): Promise<XmppSession>;
}

/** Long-lived services every resolver may use. */
export interface Services {
  readonly config: Config;
  readonly pool: SessionPool;
}

/** The context of one GraphQL operation (HTTP request, graphql-ws subscribe or SSE stream). */
export interface GraphQLContext {
  readonly services: Services;
  /** Undefined when the request carries no credentials (only `checkAuth` works then). */
  readonly caller: Caller | undefined;
}
