import { xml, type Element } from "@xmpp/xml";

/* Last Activity, XEP-0012 (https://xmpp.org/extensions/xep-0012.html) §4: the query and its answer. */

/** XEP-0012 §2: the last-activity namespace. */
export const NS_LAST = "jabber:iq:last";

/** What a XEP-0012 answer says: idle seconds before the reply, and the status text. */
export interface LastReply {
  seconds: number;
  status: string;
}

/**
 * A last-activity query (XEP-0012 §4). Without `to` it asks about the caller's own
 * account: RFC 6120 §10.3.3 addresses a stanza without `to` to the sender's bare JID,
 * and some servers (Prosody) apply their subscription check to an explicit own JID.
 */
export function buildLastQuery(to?: string): Element {
  return xml("iq", to === undefined ? { type: "get" } : { type: "get", to }, xml("query", { xmlns: NS_LAST }));
}

/**
 * Reads a XEP-0012 result.
 * @returns the seconds and status, or null when the reply carries no `<query/>` with a
 *          non-negative integer `seconds` attribute.
 */
export function parseLastReply(reply: Element): LastReply | null {
  const query = reply.getChild("query", NS_LAST);
  const seconds = query?.attrs.seconds;
  if (!query || seconds === undefined || !/^\d{1,15}$/.test(seconds)) return null;
  return { seconds: Number(seconds), status: query.text() };
}
