import { xml, type Element } from "@xmpp/xml";
import { NS_CARBONS, NS_DELAY, NS_FORWARD, NS_MAM, NS_SID } from "../xmpp/namespaces.js";
import { detachForwarded, newStanzaId, type StanzaRecord } from "../xmpp/messages.js";
import { parseDateTime } from "../xmpp/date-time.js";

/*
 * Messages (RFC 6121 §5) and carbon copies (XEP-0280) as the stanza API needs them;
 * the archive (XEP-0313) is src/xmpp/mam.ts.
 */

/** A chat message (RFC 6121 §5.2.2), with a `<subject/>` (§5.2.4) when given. */
export function buildChatMessage(to: string, body: string, id = newStanzaId(), subject?: string | null): Element {
  return xml("message", { type: "chat", to, id }, subject != null ? xml("subject", {}, subject) : null, xml("body", {}, body));
}

/** A headline message (RFC 6121 §5.2.2): no reply expected, never stored offline. */
export function buildHeadlineMessage(to: string, subject: string | null | undefined, body: string | null | undefined, id = newStanzaId()): Element {
  return xml(
    "message",
    { type: "headline", to, id },
    subject != null ? xml("subject", {}, subject) : null,
    body != null ? xml("body", {}, body) : null,
  );
}

/**
 * Reads a message that reached the user's session live. Received carbons (XEP-0280 §7)
 * are unwrapped — but only when they come from the user's own bare JID, as §11 requires;
 * sent carbons (the user's own outgoing messages) and archive results are not incoming
 * messages. A `<delay/>` (offline delivery) gives the timestamp; otherwise it is now.
 * @returns the record, or null for stanzas that are not incoming messages.
 */
export function parseIncomingMessage(stanza: Element, ownBareJid: string, now = new Date()): StanzaRecord | null {
  if (stanza.name !== "message") return null;
  if (stanza.getChild("result", NS_MAM)) return null;
  let message = stanza;
  const received = stanza.getChild("received", NS_CARBONS);
  const sent = stanza.getChild("sent", NS_CARBONS);
  if (received || sent) {
    const from = stanza.attrs.from?.toLowerCase();
    if (from !== ownBareJid || sent) return null;
    const inner = received?.getChild("forwarded", NS_FORWARD)?.getChild("message");
    if (!inner) return null;
    message = inner;
  }
  const stamp = message.getChild("delay", NS_DELAY)?.attrs.stamp;
  const archiveId = ownArchiveId(message, ownBareJid);
  return {
    sender: message.attrs.from ?? null,
    timestamp: (stamp && parseDateTime(stamp)) || now,
    stanza_id: message.attrs.id ?? "",
    stanza: detachForwarded(message),
    ...(archiveId !== undefined && { archiveId }),
  };
}

/**
 * Reads a copy of a message the user sent from another client: a sent carbon
 * (XEP-0280 §6), which only the user's own bare JID may send (§11).
 * @returns the record, or null for any other stanza.
 */
export function parseSentCarbon(stanza: Element, ownBareJid: string, now = new Date()): StanzaRecord | null {
  if (stanza.name !== "message" || stanza.attrs.from?.toLowerCase() !== ownBareJid) return null;
  const message = stanza.getChild("sent", NS_CARBONS)?.getChild("forwarded", NS_FORWARD)?.getChild("message");
  if (!message) return null;
  const archiveId = ownArchiveId(message, ownBareJid);
  return {
    sender: message.attrs.from ?? null,
    timestamp: now,
    stanza_id: message.attrs.id ?? "",
    stanza: detachForwarded(message),
    ...(archiveId !== undefined && { archiveId }),
  };
}

/** The id the user's own archive gave a message: only it may stamp one (XEP-0359 §4: check `by`). */
function ownArchiveId(message: Element, ownBareJid: string): string | undefined {
  return message.getChildren("stanza-id", NS_SID).find((s) => s.attrs.by?.toLowerCase() === ownBareJid)?.attrs.id;
}
