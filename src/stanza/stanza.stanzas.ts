import { randomBytes } from "node:crypto";
import { xml, type Element } from "@xmpp/xml";
import { NS_CARBONS, NS_DATA, NS_DELAY, NS_FORWARD, NS_MAM, NS_RSM, NS_SID } from "../xmpp/namespaces.js";
import { parseDateTime } from "../scalars/date-time.js";

/*
 * Messages (RFC 6121 §5), the user's archive (XEP-0313 MAM with XEP-0059 paging) and
 * carbon copies (XEP-0280) as the stanza API needs them.
 */

/** One message as the API reports it (the GraphQL `StanzaMap`). */
export interface StanzaRecord {
  sender: string | null;
  timestamp: Date;
  stanza_id: string;
  stanza: Element;
  /**
   * The id the user's archive gave the message (XEP-0359 `<stanza-id by=user>` on live
   * messages, the result id in MAM): what catch-up after a reconnect dedupes by.
   */
  archiveId?: string;
}

/** A fresh stanza id: random, so ids never collide across gateway instances. */
export function newStanzaId(): string {
  return randomBytes(9).toString("base64url");
}

/** A chat message (RFC 6121 §5.2.2). */
export function buildChatMessage(to: string, body: string, id = newStanzaId()): Element {
  return xml("message", { type: "chat", to, id }, xml("body", {}, body));
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

/** Options of a query of the user's own archive for its newest messages. */
export interface ArchiveQuery {
  queryId: string;
  with?: string | null;
  /** Only messages strictly before this instant (the form's `end`, XEP-0313 §4.1.1). */
  before?: Date | null;
  max: number;
  /** Page forward from this archive id (RSM `<after/>`) instead of taking the newest page. */
  afterId?: string;
}

/**
 * A MAM query for the newest `max` messages: an empty RSM `<before/>` asks for the last
 * page (XEP-0059 §2.5), which the server returns oldest first.
 */
export function buildArchiveQuery(query: ArchiveQuery): Element {
  const fields = [
    xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, NS_MAM)),
    query.with ? xml("field", { var: "with" }, xml("value", {}, query.with)) : null,
    query.before ? xml("field", { var: "end" }, xml("value", {}, new Date(query.before.getTime() - 1).toISOString())) : null,
  ];
  return xml(
    "iq",
    { type: "set" },
    xml(
      "query",
      { xmlns: NS_MAM, queryid: query.queryId },
      xml("x", { xmlns: NS_DATA, type: "submit" }, ...fields),
      xml("set", { xmlns: NS_RSM }, xml("max", {}, String(query.max)), query.afterId !== undefined ? xml("after", {}, query.afterId) : xml("before")),
    ),
  );
}

/**
 * Reads one archived message delivered for query `queryId` (XEP-0313 §4.2). Results
 * must come from the user's own archive (no `from`, or the user's bare JID): anything
 * else could be another entity injecting fake history.
 * @returns the record, or null if the stanza is not a result of this query.
 */
export function parseArchiveResult(stanza: Element, queryId: string, ownBareJid: string): StanzaRecord | null {
  if (stanza.name !== "message") return null;
  const from = stanza.attrs.from?.toLowerCase();
  if (from !== undefined && from !== ownBareJid) return null;
  const result = stanza.getChild("result", NS_MAM);
  if (!result || result.attrs.queryid !== queryId || !result.attrs.id) return null;
  const forwarded = result.getChild("forwarded", NS_FORWARD);
  const message = forwarded?.getChild("message");
  if (!forwarded || !message) return null;
  const stamp = forwarded.getChild("delay", NS_DELAY)?.attrs.stamp;
  return {
    sender: message.attrs.from ?? null,
    timestamp: (stamp && parseDateTime(stamp)) || new Date(),
    stanza_id: result.attrs.id,
    stanza: detach(message),
    archiveId: result.attrs.id,
  };
}

/**
 * Reads the `<fin/>` of a MAM query result (XEP-0313 §4.3): whether the last page was
 * reached and the id of the page's last message, for paging forward.
 */
export function parseArchiveFin(reply: Element): { complete: boolean; last: string | undefined } {
  const fin = reply.getChild("fin", NS_MAM);
  return {
    complete: fin?.attrs.complete === "true",
    last: fin?.getChild("set", NS_RSM)?.getChildText("last") ?? undefined,
  };
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
  // Only the user's own server may stamp the archive id (XEP-0359 §4: check `by`).
  const archiveId = message.getChildren("stanza-id", NS_SID).find((s) => s.attrs.by?.toLowerCase() === ownBareJid)?.attrs.id;
  return {
    sender: message.attrs.from ?? null,
    timestamp: (stamp && parseDateTime(stamp)) || now,
    stanza_id: message.attrs.id ?? "",
    stanza: detach(message),
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
  const archiveId = message.getChildren("stanza-id", NS_SID).find((s) => s.attrs.by?.toLowerCase() === ownBareJid)?.attrs.id;
  return {
    sender: message.attrs.from ?? null,
    timestamp: now,
    stanza_id: message.attrs.id ?? "",
    stanza: detach(message),
    ...(archiveId !== undefined && { archiveId }),
  };
}

// A forwarded message keeps its parent link; serialising it alone must not climb out.
function detach(element: Element): Element {
  element.parent = null;
  if (!element.attrs.xmlns) element.attrs.xmlns = "jabber:client";
  return element;
}
