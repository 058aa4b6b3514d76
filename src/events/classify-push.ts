import type { Element } from "@xmpp/xml";
import { NS_BLOCKING } from "../blocking/blocking.stanzas.js";
import { parseRosterItems } from "../roster/roster.stanzas.js";
import { NS_ROSTER } from "../xmpp/namespaces.js";
import type { ChatEvent } from "./event.models.js";

/*
 * Pushes: IQ sets the user's own server sends when the user's state changed, from this
 * or any other client of the user — roster pushes (RFC 6121 §2.1.6) and block list pushes
 * (XEP-0191 §3.3, §3.4). Each must be answered (the session does that); this turns them
 * into events.
 */

/**
 * The events of one push; [] for any other stanza. Only pushes from the user's own
 * account (no `from`, or the user's bare JID) count: RFC 6121 §2.1.6 tells clients to
 * ignore roster pushes from anyone else, which could otherwise fake contacts.
 * @param ownBareJid the user's bare JID, lower-case.
 */
export function classifyPush(stanza: Element, ownBareJid: string, at: Date): ChatEvent[] {
  if (stanza.name !== "iq" || stanza.attrs.type !== "set") return [];
  const from = stanza.attrs.from?.toLowerCase();
  if (from !== undefined && from !== ownBareJid) return [];
  const base = { cursor: null, at, replayed: false };

  const query = stanza.getChild("query", NS_ROSTER);
  if (query) {
    const removed = new Set(query.getChildren("item").filter((i) => i.attrs.subscription === "remove").map((i) => i.attrs.jid?.toLowerCase()));
    return parseRosterItems(stanza).map((contact) => ({ __typename: "RosterEvent", type: "ROSTER", ...base, contact, removed: removed.has(contact.jid) }));
  }
  const block = stanza.getChild("block", NS_BLOCKING);
  const unblock = stanza.getChild("unblock", NS_BLOCKING);
  const change = block ?? unblock;
  if (!change) return [];
  const jids = change.getChildren("item").map((i) => i.attrs.jid).filter((j): j is string => typeof j === "string" && j !== "");
  return [{ __typename: "BlockingEvent", type: "BLOCKING", ...base, blocked: block ? jids : [], unblocked: block ? [] : jids }];
}
