import { xml, type Element } from "@xmpp/xml";
import { NS_ROSTER } from "../xmpp/namespaces.js";
import { parseJid, formatJid, bareJid } from "../xmpp/jid.js";

/*
 * Roster management and presence subscriptions, RFC 6121 §2 (jabber:iq:roster) and §3.
 */

export type Subscription = "NONE" | "BOTH" | "FROM" | "TO";
export type Ask = "SUBSCRIBE" | "UNSUBSCRIBE" | "IN" | "OUT" | "BOTH" | "NONE";

/** One roster item as the API reports it (the GraphQL `Contact`). */
export interface RosterItem {
  jid: string;
  name: string | null;
  groups: string[];
  subscription: Subscription;
  ask: Ask;
}

/** The presence types of RFC 6121 §3 that manage subscriptions. */
export type SubscriptionPresence = "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed";

/** `<iq type='get'><query xmlns='jabber:iq:roster'/></iq>` (RFC 6121 §2.1.3). */
export function buildRosterGet(): Element {
  return xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER }));
}

/** Adds or updates an item (RFC 6121 §2.1.5): name and groups replace what was there. */
export function buildRosterSet(item: { jid: string; name?: string | null; groups?: readonly string[] | null }): Element {
  const attrs: Record<string, string> = { jid: item.jid };
  if (item.name) attrs.name = item.name;
  return xml(
    "iq",
    { type: "set" },
    xml("query", { xmlns: NS_ROSTER }, xml("item", attrs, ...(item.groups ?? []).map((g) => xml("group", {}, g)))),
  );
}

/** Removes an item (RFC 6121 §2.1.6); the server also cancels subscriptions both ways. */
export function buildRosterRemove(jid: string): Element {
  return xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid, subscription: "remove" })));
}

/** A subscription-management presence to a contact's bare JID (RFC 6121 §3). */
export function buildSubscriptionPresence(to: string, type: SubscriptionPresence): Element {
  return xml("presence", { to, type });
}

const SUBSCRIPTIONS: Readonly<Record<string, Subscription>> = { none: "NONE", both: "BOTH", from: "FROM", to: "TO" };

/**
 * Parses a roster result into items. RFC 6121 carries only our own pending request
 * (`ask='subscribe'`), which MongooseIM reports as OUT. Items with unparsable JIDs
 * are skipped rather than failing the whole roster.
 */
export function parseRosterItems(reply: Element): RosterItem[] {
  const query = reply.getChild("query", NS_ROSTER);
  if (!query) return [];
  const items: RosterItem[] = [];
  for (const item of query.getChildren("item")) {
    const jid = item.attrs.jid;
    if (!jid) continue;
    let normalised: string;
    try {
      normalised = formatJid(bareJid(parseJid(jid)));
    } catch {
      continue;
    }
    items.push({
      jid: normalised,
      name: item.attrs.name ?? null,
      groups: item.getChildren("group").map((g) => g.text()),
      subscription: SUBSCRIPTIONS[item.attrs.subscription ?? "none"] ?? "NONE",
      ask: item.attrs.ask === "subscribe" ? "OUT" : "NONE",
    });
  }
  return items;
}
