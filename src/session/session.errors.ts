import { ApiError } from "../errors/api-error.js";

/**
 * The server does not tell a user which sessions it has (it does not list them in
 * disco#items on the user's bare JID, see src/session/session.stanzas.ts): the answer
 * for `session.*` on such servers (Prosody), with the code the gateway uses for a
 * capability the server lacks. An empty list would be a false answer.
 */
export function sessionsNotListed(): ApiError {
  return new ApiError(
    "deps_not_loaded",
    "The XMPP server does not list a user's sessions to the user (XEP-0030 disco#items on the bare JID), so they cannot be reported",
  );
}
