import { xml, type Element } from "@xmpp/xml";

/*
 * Last Activity, XEP-0012 (https://xmpp.org/extensions/xep-0012.html): §4 asks an
 * account's bare JID how long ago its user was last active. The only way XMPP lets a
 * client record that moment is going unavailable (RFC 6121 §4.5.2) with a `<status/>`,
 * which servers keep as the last-activity record (Prosody's mod_lastactivity, ejabberd's
 * and MongooseIM's mod_last).
 */

/** XEP-0012 §2: the last-activity namespace. */
export const NS_LAST = "jabber:iq:last";

/** A last-activity record as the API reports it (the GraphQL `LastActivity`). */
export interface LastActivity {
  user: string;
  timestamp: Date;
  /** An empty string when the server holds no status text. */
  status: string;
}

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

/**
 * The moment a reply's `seconds` points to, in whole seconds: XEP-0012 counts idle
 * seconds up to the reply, so the instant is `now − seconds`.
 */
export function lastActiveAt(seconds: number, now: number = Date.now()): Date {
  return new Date((Math.floor(now / 1000) - seconds) * 1000);
}
