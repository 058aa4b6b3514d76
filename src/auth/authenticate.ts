import { ApiError } from "../errors/api-error.js";
import { XmppAuthError, NO_MECHANISM } from "../xmpp/errors.js";
import { toApiError } from "../errors/map-error.js";
import type { Caller, Services } from "../graphql/context.js";
import type { PoolCredential } from "../pool/session-pool.js";
import { parseBareJid } from "../xmpp/jid.js";
import type { Credentials } from "./authorization-header.js";

const WRONG_CREDENTIALS = "The provided credentials are wrong";
const wrongCredentials = () => new ApiError("wrong_credentials", WRONG_CREDENTIALS, {}, 401);

/**
 * Turns request credentials into a Caller, logging the user in to XMPP (or reusing the
 * pooled session after checking the credential), like MongooseIM checks them before
 * executing anything. A Bearer token must be one of ours, live and not revoked; the XMPP
 * login then uses the SCRAM keys it carries.
 * @throws ApiError `wrong_credentials` (401) for an unknown user, a wrong password, a dead
 *         token or a domain this gateway does not serve; `xmpp_unavailable`/`timeout`
 *         (503) when the XMPP server cannot be asked.
 */
export async function authenticate(credentials: Credentials, services: Services, clientIp: string): Promise<Caller | undefined> {
  if (credentials.kind === "anonymous") return undefined;
  const throttle = services.loginThrottle;
  let login: string;
  let credential: PoolCredential;
  let via: Caller["via"] = "password";
  let refreshToken: string | undefined;
  if (credentials.kind === "bearer") {
    const claims = await services.tokens.verify(credentials.token);
    if (!claims) {
      services.telemetry.login("failed", undefined, clientIp, "invalid token");
      await throttle.failed(undefined, clientIp);
      throw wrongCredentials();
    }
    login = claims.user;
    credential = { keys: claims.keys };
    via = claims.kind === "refresh" ? "refresh-token" : "access-token";
    if (claims.kind === "refresh") refreshToken = credentials.token;
  } else {
    login = credentials.login;
    credential = { password: credentials.password };
  }
  let local: string;
  let domain: string;
  try {
    ({ local, domain } = parseBareJid(login));
  } catch {
    services.telemetry.login("failed", undefined, clientIp, "not a JID");
    throw wrongCredentials();
  }
  if (domain !== services.config.xmpp.domain) {
    services.telemetry.login("failed", login, clientIp, "another domain");
    throw wrongCredentials();
  }
  const bareJid = `${local}@${domain}`;
  // Only a credential that still needs an XMPP login can be a guess worth throttling.
  if (!services.pool.isProven(bareJid, credential)) {
    const wait = await throttle.blockedFor(bareJid, clientIp);
    if (wait !== undefined) {
      services.telemetry.login("throttled", bareJid, clientIp);
      throw new ApiError("too_many_failed_logins", `Too many failed logins; try again in ${wait} s`, { retry_after: wait }, 429);
    }
  }
  const session = () =>
    services.pool.session(bareJid, local, credential).catch(async (error: unknown) => {
      if (error instanceof XmppAuthError && error.condition === NO_MECHANISM) {
        throw new ApiError("xmpp_unavailable", "The XMPP server offers no login mechanism the gateway supports (SCRAM-SHA-256, SCRAM-SHA-1, or PLAIN over TLS)", {}, 503);
      }
      if (error instanceof XmppAuthError) {
        services.telemetry.login("failed", bareJid, clientIp, "refused by the XMPP server");
        await throttle.failed(bareJid, clientIp);
        throw wrongCredentials();
      }
      const apiError = toApiError(error);
      throw new ApiError(apiError.code, apiError.message, apiError.context, apiError.httpStatus ?? 503);
    });
  await session();
  // The caller may live on (a subscription, a graphql-ws connection): from here on it
  // holds the SCRAM keys that proved the password, not the password.
  credential = services.pool.sealed(bareJid, credential);
  services.telemetry.login("ok", bareJid, clientIp);
  return { jid: bareJid, username: local, domain, via, refreshToken, session };
}
