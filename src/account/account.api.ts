import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { toApiError, type ConditionMapping } from "../errors/map-error.js";
import { XmppConnectionError, XmppTimeoutError } from "../xmpp/errors.js";
import { ACCOUNT_ERRORS, NOT_ALLOWED_MESSAGE } from "./account.errors.js";
import { buildPasswordChange } from "./account.stanzas.js";
import { buildUnregister } from "../xmpp/register.js";
import { localOf } from "../xmpp/jid.js";
import { isXmlText } from "../xmpp/xml.js";

/**
 * The caller's account as the account operations need it: its pooled session, and the
 * means to get rid of that session once its login no longer holds.
 */
export interface OwnAccount {
  /**
   * The pooled session, logged in with the request's credentials (a fresh login when
   * there is none). Rejects with ApiError `wrong_credentials` when the server refuses them.
   */
  login(): Promise<XmppSession>;
  /** Closes and forgets the pooled session. */
  forget(): Promise<void>;
}

/**
 * Sets a new password (XEP-0077 §3.3). Afterwards the pooled session is closed, so that
 * the old password stops working through the gateway at once and the next request logs
 * in with the new one.
 * @returns MongooseIM's `Password changed`.
 * @throws ApiError `empty_password` for "" (checked here: Prosody would accept it),
 *         `not_allowed` when the server refuses the change, or at once for a password
 *         with characters XML cannot carry (sending it would get the shared session's
 *         stream closed as not well-formed).
 */
export async function changePassword(account: OwnAccount, newPassword: string): Promise<string> {
  if (newPassword === "") throw new ApiError("empty_password", "Empty password");
  if (!isXmlText(newPassword)) throw new ApiError("not_allowed", NOT_ALLOWED_MESSAGE);
  const session = await account.login();
  await changeLogin(account, session, buildPasswordChange(session.domain, localOf(session.bareJid), newPassword), ACCOUNT_ERRORS.changePassword);
  return "Password changed";
}

/**
 * Deletes the caller's account (XEP-0077 §3.2) and closes its pooled session; later
 * requests with its credentials get 401 `wrong_credentials`.
 * @returns MongooseIM's `User <jid> successfully unregistered`.
 * @throws ApiError `not_allowed` when the server refuses the removal.
 */
export async function unregister(account: OwnAccount): Promise<string> {
  const session = await account.login();
  const jid = session.bareJid;
  await changeLogin(account, session, buildUnregister(session.domain), ACCOUNT_ERRORS.unregister);
  return `User ${jid} successfully unregistered`;
}

/**
 * Sends a request that invalidates the session's credentials and forgets the session once
 * it succeeded. The server may end the stream as part of the change: Prosody replies and
 * then closes it on removal, ejabberd closes it *before* replying. A lost reply (closed
 * connection or timeout) therefore does not mean failure: the outcome is settled by
 * logging in again with the request's credentials, which fails exactly when the change
 * took place.
 */
async function changeLogin(account: OwnAccount, session: XmppSession, request: Element, refusals: ConditionMapping): Promise<void> {
  try {
    await session.iq(request);
  } catch (error) {
    const unknownOutcome = error instanceof XmppConnectionError || error instanceof XmppTimeoutError;
    if (!unknownOutcome || (await credentialsStillWork(account))) throw toApiError(error, refusals);
  }
  await account.forget();
}

/**
 * Whether the request's credentials still log in, on a new session. An answer other than
 * a refusal (the server is unreachable, say) counts as "yes": the change is then not
 * confirmed, and the original error is reported.
 */
async function credentialsStillWork(account: OwnAccount): Promise<boolean> {
  await account.forget();
  try {
    await account.login();
    return true;
  } catch (error) {
    return !(error instanceof ApiError && error.code === "wrong_credentials");
  }
}
