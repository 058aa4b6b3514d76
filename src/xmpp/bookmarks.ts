import { xml, type Element } from "@xmpp/xml";
import { NS_PUBSUB, buildOwnItemsGet } from "./pep.js";

/*
 * PEP Native Bookmarks, XEP-0402 (https://xmpp.org/extensions/xep-0402.html): one PEP item
 * per bookmarked room on the node `urn:xmpp:bookmarks:1`, item id = the room's JID, the
 * payload a `<conference/>` whose `<extensions/>` child holds what other specs add (§3.2).
 */

export const NS_BOOKMARKS = "urn:xmpp:bookmarks:1";

/** One bookmark: the room and its `<conference/>` element as stored. */
export interface Bookmark {
  room: string;
  conference: Element;
}

/** A request for all of the user's bookmarks (§3.3). */
export function buildBookmarksGet(): Element {
  return buildOwnItemsGet(NS_BOOKMARKS);
}

/** The bookmarks of an items reply; items without a JID id or a conference payload are skipped. */
export function parseBookmarks(reply: Element): Bookmark[] {
  const items = reply.getChild("pubsub", NS_PUBSUB)?.getChild("items") ?? undefined;
  if (!items || items.attrs.node !== NS_BOOKMARKS) return [];
  const bookmarks: Bookmark[] = [];
  for (const item of items.getChildren("item")) {
    const conference = item.getChild("conference", NS_BOOKMARKS);
    if (typeof item.attrs.id !== "string" || !item.attrs.id.includes("@") || !conference) continue;
    conference.parent = null;
    bookmarks.push({ room: item.attrs.id.toLowerCase(), conference });
  }
  return bookmarks;
}

/** Whether a bookmark carries the extension element `name` in namespace `ns`. */
export function hasExtension(conference: Element, name: string, ns: string): boolean {
  return conference.getChild("extensions")?.getChild(name, ns) !== undefined;
}

/**
 * A copy of `conference` with the extension element `name`/`ns` present or absent, and
 * every other field and extension kept as it was.
 */
export function withExtension(conference: Element, name: string, ns: string, present: boolean): Element {
  const copy = (e: Element): Element => xml(e.name, { ...e.attrs }, ...e.children.map((c) => (typeof c === "string" ? c : copy(c as Element))));
  const result = copy(conference);
  let extensions = result.getChild("extensions");
  if (!extensions) {
    extensions = xml("extensions");
    result.append(extensions);
  }
  extensions.children = extensions.children.filter((c) => typeof c === "string" || !((c as Element).name === name && (c as Element).attrs.xmlns === ns));
  if (present) extensions.append(xml(name, { xmlns: ns }));
  return result;
}

/** A new bookmark's `<conference/>`: not joined automatically. Publish it with `publishOwnerOnly` (§3.4's options). */
export function newConference(): Element {
  return xml("conference", { xmlns: NS_BOOKMARKS, autojoin: "false" });
}
