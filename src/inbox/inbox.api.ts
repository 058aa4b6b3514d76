import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError } from "../errors/map-error.js";
import { INBOX_ERRORS, daysNotSupported, inboxNotLoaded, unreadableEmptyBin } from "./inbox.errors.js";
import { buildDiscoInfoGet, parseDiscoInfo } from "../xmpp/disco.js";
import { NS_ESL_INBOX, buildEmptyBin, parseEmptyBinResult } from "./inbox.stanzas.js";

/**
 * Empties the caller's inbox bin and returns how many entries went. Only MongooseIM's
 * inbox has a bin reachable over XMPP: when the caller's domain or account advertises
 * `erlang-solutions.com:xmpp:inbox:0` (disco#info), its `<empty-bin/>` is sent; any
 * other server (Prosody, ejabberd, XEP-0430 inboxes) gets MongooseIM's `deps_not_loaded`.
 * @param days must be omitted: `<empty-bin/>` has no age limit.
 * @throws ApiError `deps_not_loaded` (`not_loaded_modules: ["mod_inbox"]`) without such an
 *         inbox, `invalid_input` (field `days`) when `days` is given to one.
 */
export async function flushBin(session: XmppSession, days: number | null | undefined): Promise<number> {
  const context = { user: session.bareJid };
  const features: Set<string> = await orApiError(inboxFeatures(session), {}, context);
  if (!features.has(NS_ESL_INBOX)) throw inboxNotLoaded();
  if (days != null) throw daysNotSupported();
  let reply;
  reply = await orApiError(session.iq(buildEmptyBin()), INBOX_ERRORS.flush, context);
  const removed = parseEmptyBinResult(reply);
  if (removed === null) throw unreadableEmptyBin(context);
  return removed;
}

/** The features of the caller's domain and bare JID together (either may host an inbox). */
async function inboxFeatures(session: XmppSession): Promise<Set<string>> {
  const domain = session.domain;
  const replies = await Promise.all([domain, session.bareJid].map((jid) => infoOrNothing(session.iq(buildDiscoInfoGet(jid)))));
  return new Set(replies.flatMap((reply) => (reply ? [...parseDiscoInfo(reply).features] : [])));
}

async function infoOrNothing(request: Promise<Element>): Promise<Element | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof StanzaError) return null;
    throw error;
  }
}
