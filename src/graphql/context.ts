import type { XmppSession } from "../xmpp/session.js";
import type { SessionPool } from "../pool/session-pool.js";
import type { Config } from "../config.js";
import type { TokenService } from "../token/token.api.js";
import type { LoginThrottle } from "../auth/login-throttle.js";

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

/** Long-lived services every resolver may use. */
export interface Services {
  readonly config: Config;
  readonly pool: SessionPool;
  readonly tokens: TokenService;
  readonly loginThrottle: LoginThrottle;
}

/** The context of one GraphQL operation (HTTP request, graphql-ws subscribe or SSE stream). */
export interface GraphQLContext {
  readonly services: Services;
  /** Undefined when the request carries no credentials (only `checkAuth` works then). */
  readonly caller: Caller | undefined;
}
