import { xml, type Element } from "@xmpp/xml";
import { bareJid, formatJid, parseJid } from "../xmpp/jid.js";

import { NS_BLOCKING } from "../xmpp/namespaces.js";

export { NS_BLOCKING };

/** `<blocklist/>` query: the user's blocked JIDs. */
export function buildBlocklistGet(): Element {
  return xml("iq", { type: "get" }, xml("blocklist", { xmlns: NS_BLOCKING }));
}

/** Blocks (`block`) or unblocks (`unblock`) the given JIDs (XEP-0191 §3.3, §3.4). */
export function buildBlockChange(kind: "block" | "unblock", jids: readonly string[]): Element {
  return xml("iq", { type: "set" }, xml(kind, { xmlns: NS_BLOCKING }, ...jids.map((jid) => xml("item", { jid }))));
}

/**
 * The blocked JIDs of a blocklist result, normalised (bare, or as given with `full`);
 * unparsable ones are skipped.
 */
export function parseBlocklist(reply: Element, keep: "bare" | "full" = "bare"): string[] {
  const list = reply.getChild("blocklist", NS_BLOCKING);
  return (list?.getChildren("item") ?? []).flatMap((item) => {
    try {
      if (!item.attrs.jid) return [];
      const jid = parseJid(item.attrs.jid);
      return [formatJid(keep === "bare" ? bareJid(jid) : jid)];
    } catch {
      return [];
    }
  });
}
