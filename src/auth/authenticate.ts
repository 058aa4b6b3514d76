import { ApiError } from "../errors/api-error.js";
import { XmppAuthError, NO_MECHANISM } from "../errors/xmpp-errors.js";
import { toApiError } from "../errors/xmpp-errors.js";
import type { Caller, Services } from "../graphql/context.js";
import { parseBareJid } from "../scalars/jid.js";
import type { Credentials } from "./authorization-header.js";

const WRONG_CREDENTIALS = "The provided credentials are wrong";

/**
 * Turns request credentials into a Caller, logging the user in to XMPP (or reusing the
 * pooled session after checking the password), like MongooseIM checks them before
 * executing anything.
 * @throws ApiError `wrong_credentials` (401) for an unknown user, a wrong password or a
 *         domain this gateway does not serve; `xmpp_unavailable`/`timeout` (503) when the
 *         XMPP server cannot be asked.
 */
export async function authenticate(credentials: Credentials, services: Services): Promise<Caller | undefined> {
  if (credentials.kind === "anonymous") return undefined;
  let local: string;
  let domain: string;
  try {
    const jid = parseBareJid(credentials.login);
    local = jid.local;
    domain = jid.domain;
  } catch {
    throw new ApiError("wrong_credentials", WRONG_CREDENTIALS, {}, 401);
  }
  if (domain !== services.config.xmpp.domain) throw new ApiError("wrong_credentials", WRONG_CREDENTIALS, {}, 401);
  const bareJid = `${local}@${domain}`;
  const { password } = credentials;
  const session = () =>
    services.pool.session(bareJid, local, password).catch((error: unknown) => {
      if (error instanceof XmppAuthError && error.condition === NO_MECHANISM) {
        throw new ApiError("xmpp_unavailable", "The XMPP server offers no login mechanism the gateway supports (SCRAM-SHA-1)", {}, 503);
      }
      if (error instanceof XmppAuthError) throw new ApiError("wrong_credentials", WRONG_CREDENTIALS, {}, 401);
      const apiError = toApiError(error);
      throw new ApiError(apiError.code, apiError.message, apiError.context, apiError.httpStatus ?? 503);
    });
  await session();
  return { jid: bareJid, username: local, domain, session };
}
