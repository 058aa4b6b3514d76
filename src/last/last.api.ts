import type { XmppSession } from "../xmpp/session.js";
import { orApiError, toApiError, type ConditionMapping } from "../errors/map-error.js";
import { LAST_ERRORS, timestampNotNow, unreadableLastReply } from "./last.errors.js";
import { bareJid, formatJid, parseJid } from "../xmpp/jid.js";
import { buildLastQuery, lastActiveAt, parseLastReply, type LastActivity } from "./last.stanzas.js";

/** How far setLast's `timestamp` may be from the gateway's clock and still mean "now". */
export const SET_LAST_TOLERANCE_SECONDS = 60;

/**
 * A user's last activity (XEP-0012 §4), or the caller's own when `user` is omitted. The
 * query goes to the bare JID (a resource in `user` is ignored, as MongooseIM ignores it),
 * and `user` in the result is the JID as given. The timestamp is now minus the server's
 * idle seconds: servers answer 0 while they count the user as online (MongooseIM and
 * ejabberd do as long as any session, the gateway's included, is open; Prosody never).
 * @throws ApiError `last_not_found` when nothing is recorded (servers that say so),
 *         `no_permissions` without a presence subscription to another user,
 *         `user_does_not_exist` for an unreachable domain.
 */
export async function getLast(session: XmppSession, user?: string | null): Promise<LastActivity> {
  const target = user == null ? session.bareJid : formatJid(bareJid(parseJid(user)));
  const own = target === session.bareJid;
  return readLast(session, own ? undefined : target, user ?? session.bareJid, own ? LAST_ERRORS.getOwn : LAST_ERRORS.getOther);
}

/**
 * Records the caller's last activity *now* with `status`, the one way XMPP allows: the
 * gateway's session sends unavailable presence with that status (servers keep it as the
 * last-activity record; contacts with a subscription see the gateway's resource go
 * unavailable with that status). If a live subscription holds the session's presence, it
 * is announced again at once (XmppSession.announceUnavailable): an unavailable session
 * gets no messages. Then it returns what the server reports for the caller.
 * @param timestamp may only be omitted or within {@link SET_LAST_TOLERANCE_SECONDS} of
 *        now: no XMPP request can store another moment.
 * @throws ApiError `invalid_input` (field `timestamp`) for another moment,
 *         `deps_not_loaded` when the server keeps no XEP-0012 records.
 */
export async function setLast(
  session: XmppSession,
  timestamp: Date | null | undefined,
  status: string,
  now: number = Date.now(),
): Promise<LastActivity> {
  if (timestamp != null && Math.abs(timestamp.getTime() - now) > SET_LAST_TOLERANCE_SECONDS * 1000) {
    throw timestampNotNow(SET_LAST_TOLERANCE_SECONDS);
  }
  try {
    // The query below travels on the same stream, so the server has recorded this first.
    await session.announceUnavailable(status);
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
  return readLast(session, undefined, session.bareJid, LAST_ERRORS.set);
}

async function readLast(session: XmppSession, to: string | undefined, user: string, errors: ConditionMapping): Promise<LastActivity> {
  const context = { user };
  let reply;
  reply = await orApiError(session.iq(buildLastQuery(to)), errors, context);
  const last = parseLastReply(reply);
  if (!last) throw unreadableLastReply(context);
  return { user, timestamp: lastActiveAt(last.seconds), status: last.status };
}
