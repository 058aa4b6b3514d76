import { readFileSync } from "node:fs";
import type { Config } from "../config.js";
import { SessionPool } from "../pool/session-pool.js";
import { XmppSession } from "../xmpp/session.js";
import { RoomReentry } from "../muc/muc.reentry.js";
import { UploadServiceDirectory } from "../http-upload/http-upload.api.js";
import { TokenService } from "../token/token.api.js";
import { FileRevocationStore, RedisRevocationStore, type RevocationStore } from "../token/revocation-store.js";
import { MemoryLoginThrottle, RedisLoginThrottle, type LoginThrottle } from "../auth/login-throttle.js";
import type { Services } from "../graphql/context.js";
import { fanOut, type Telemetry } from "../telemetry/telemetry.js";
import { createConnectionReporter } from "../telemetry/connection-reporter.js";
import { pendingRequestsOf } from "../roster/roster.pending.js";

declare module "../graphql/context.js" {
  /** What the gateway gives every resolver (see createServices). */
  interface Services {
    readonly config: Config;
    readonly pool: SessionPool;
    readonly tokens: TokenService;
    readonly loginThrottle: LoginThrottle;
    /** Which domain offers which HTTP upload service (XEP-0363), discovered once per domain. */
    readonly uploadServices: UploadServiceDirectory;
    /** Where logins, XMPP connections and requests are reported (logs, metrics). */
    readonly telemetry: Telemetry;
  }
}

/** Replacements for the stores the configuration would choose (tests pass their own). */
export interface ServiceOverrides {
  /** Where token revocations live; by default Redis when configured, else a local file. */
  revocationStore?: RevocationStore;
  /** Failed-login counters; by default Redis when configured, else in memory. */
  loginThrottle?: LoginThrottle;
}

/** The long-lived services and how to open and release them. */
export interface ServiceSet {
  readonly services: Services;
  /** Opens the stores (file, Redis); call before serving. */
  open(): Promise<void>;
  /** Closes every XMPP session, then the stores. */
  close(): Promise<void>;
}

/** Wires the session pool, tokens and login throttle from the configuration. */
export function createServices(config: Config, overrides: ServiceOverrides = {}, telemetry: Telemetry = fanOut()): ServiceSet {
  const xmppServer = {
    service: config.xmpp.service,
    domain: config.xmpp.domain,
    connectTimeoutMs: config.xmpp.connectTimeoutMs,
    tlsCa: config.xmpp.tlsCaFile === undefined ? undefined : readFileSync(config.xmpp.tlsCaFile, "utf8"),
  };
  // Rooms entered through the API are entered again after a connection fault; a user
  // whose session does not come back within a day (or beyond the pool's size) is forgotten.
  const roomReentry = new RoomReentry({ maxUsers: config.pool.maxSessions, keepMs: 24 * 60 * 60_000, timeoutMs: config.xmpp.iqTimeoutMs });
  const connections = createConnectionReporter(telemetry, config.pool.maxSessions);
  const pool = new SessionPool({
    maxSessions: config.pool.maxSessions,
    idleTimeoutMs: config.pool.idleTimeoutMs,
    recheckMs: config.pool.credentialRecheckMs,
    onOpened: (session) => {
      connections.opened(session.bareJid);
      session.onClose((reason) => connections.closed(session.bareJid, reason));
      roomReentry.attach(session);
      // From the start, so that it hears the requests the server re-sends when a stream
      // makes the session available (a read during that stream cannot make it glimpse).
      pendingRequestsOf(session, config.roster.pendingRequestsFreshnessMs);
    },
    open: (login) =>
      connections.opening(login.username, XmppSession.open({
        ...xmppServer,
        username: login.username,
        password: "password" in login ? login.password : undefined,
        keys: "keys" in login ? login.keys : undefined,
        iqTimeoutMs: config.xmpp.iqTimeoutMs,
        onIq: telemetry.iq,
      })),
    prove: async (login) => (await XmppSession.prove({ ...xmppServer, ...login })).keys,
  });
  const revocations = overrides.revocationStore ??
    (config.tokens.redisUrl ? new RedisRevocationStore(config.tokens.redisUrl) : new FileRevocationStore(config.tokens.storePath));
  const tokens = new TokenService(config.tokens, revocations);
  const loginThrottle = overrides.loginThrottle ??
    (config.tokens.redisUrl
      ? new RedisLoginThrottle(config.tokens.redisUrl, config.limits.loginFailures)
      : new MemoryLoginThrottle(config.limits.loginFailures));
  return {
    services: { config, pool, tokens, loginThrottle, telemetry, uploadServices: new UploadServiceDirectory() },
    async open() {
      await tokens.open();
      await loginThrottle.open();
    },
    async close() {
      await pool.close();
      await tokens.close();
      await loginThrottle.close();
    },
  };
}
