import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { orApiError } from "../errors/map-error.js";
import { STANZA_ERRORS } from "./stanza.errors.js";
import { bareOf, parseJid, formatJid, bareJid } from "../xmpp/jid.js";
import { buildChatMessage, buildHeadlineMessage } from "./stanza.stanzas.js";
import { newStanzaId, type StanzaRecord } from "../xmpp/messages.js";
import { sendCheckingRoute } from "../xmpp/remote-domain.js";
import { readNewestBefore } from "../xmpp/archive-before.js";

/** MongooseIM's default (and maximum) page of archived messages. */
export const MAX_ARCHIVE_PAGE = 50;

const INVALID_SENDER = "Sender's JID is different from the user's JID";

/** `from`, when given, must name the caller (any of its resources). */
function checkSender(session: XmppSession, from: string | null | undefined): void {
  if (from != null && bareOf(from) !== session.bareJid) {
    throw new ApiError("invalid_sender", INVALID_SENDER, { from });
  }
}

/** Sends a chat message from the caller; returns the stanza id. */
export async function sendChatMessage(session: XmppSession, from: string | null | undefined, to: string, body: string): Promise<{ id: string }> {
  checkSender(session, from);
  const message = buildChatMessage(to, body);
  await sendOrFail(session, message);
  return { id: message.attrs.id! };
}

/** Sends a headline message from the caller; returns the stanza id. */
export async function sendHeadlineMessage(
  session: XmppSession, from: string | null | undefined, to: string, subject: string | null | undefined, body: string | null | undefined,
): Promise<{ id: string }> {
  checkSender(session, from);
  const message = buildHeadlineMessage(to, subject, body);
  await sendOrFail(session, message);
  return { id: message.attrs.id! };
}

const STANZA_NAMES = new Set(["message", "presence", "iq"]);

/**
 * Sends a client-supplied stanza as the caller (MongooseIM's `sendStanza`). Only
 * stanzas (message, presence, iq in jabber:client) may go on the stream: anything else
 * would be a stream-level element sent in the user's name. A `from` must name the
 * caller; it is then removed so the server stamps the session's own address.
 * @returns the stanza's id (kept if given, generated otherwise).
 */
export async function sendRawStanza(session: XmppSession, stanza: Element | null | undefined): Promise<{ id: string }> {
  if (!stanza) throw new ApiError("no_recipient", "Missing recipient JID");
  const xmlns = stanza.attrs.xmlns;
  if (!STANZA_NAMES.has(stanza.name) || (xmlns !== undefined && xmlns !== "jabber:client")) {
    throw new ApiError("invalid_stanza", `Only message, presence and iq stanzas can be sent, not <${stanza.name}>`);
  }
  const from = stanza.attrs.from;
  if (from !== undefined) {
    let sender: string;
    try {
      sender = formatJid(bareJid(parseJid(from)));
    } catch {
      throw new ApiError("invalid_sender", "Invalid sender JID", { from });
    }
    if (sender !== session.bareJid) throw new ApiError("invalid_sender", INVALID_SENDER, { from });
    delete stanza.attrs.from;
  }
  const to = stanza.attrs.to;
  if (to === undefined) throw new ApiError("no_recipient", "Missing recipient JID");
  try {
    parseJid(to);
  } catch {
    throw new ApiError("invalid_recipient", "Invalid recipient JID", { to });
  }
  stanza.attrs.id ??= newStanzaId();
  await sendOrFail(session, stanza);
  return { id: stanza.attrs.id };
}

/**
 * Sends, and to another domain waits briefly for the server to say it cannot route there
 * (`remote_server_not_found`); a later bounce is not reported.
 */
function sendOrFail(session: XmppSession, stanza: Element): Promise<void> {
  return orApiError(sendCheckingRoute(session, stanza));
}

/**
 * The caller's newest archived messages (XEP-0313), optionally only with one contact and
 * only before an instant, oldest first. `limit` is capped at {@link MAX_ARCHIVE_PAGE}
 * like MongooseIM's, and the applied value is returned.
 *
 * `before` is inclusive of its own whole second, the precision of the API's timestamps:
 * passed the `timestamp` of a page's oldest message, it continues right before that
 * message (see {@link readNewestBefore}); any other whole second includes every message
 * stamped within it; a `before` with a fraction is strict.
 */
export async function getLastMessages(
  session: XmppSession,
  options: { with?: string | null; before?: Date | null; limit?: number | null },
): Promise<{ stanzas: StanzaRecord[]; limit: number }> {
  const limit = Math.min(options.limit ?? MAX_ARCHIVE_PAGE, MAX_ARCHIVE_PAGE);
  const page = await orApiError(
    readNewestBefore(session, { with: options.with }, options.before, limit),
    STANZA_ERRORS.archive, { user: session.bareJid },
  );
  return { stanzas: page.records, limit };
}
