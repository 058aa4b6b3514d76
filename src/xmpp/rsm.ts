import { xml, type Element } from "@xmpp/xml";
import { NS_RSM } from "./namespaces.js";

/*
 * Result Set Management (XEP-0059, https://xmpp.org/extensions/xep-0059.html): paging of
 * disco#items (XEP-0030) and of archive queries (XEP-0313).
 */

/** Paging of a request (XEP-0059 §2.1–§2.5). `before: ""` asks for the last page (§2.5). */
export interface RsmRequest {
  max?: number | null;
  index?: number | null;
  after?: string | null;
  before?: string | null;
}

/** Paging of a reply (XEP-0059 §2.6). */
export interface RsmResult {
  count: number | null;
  first: string | null;
  firstIndex: number | null;
  last: string | null;
}

/** `<set/>` for a request, or null when it asks for nothing. */
export function buildRsmSet(request: RsmRequest | null | undefined): Element | null {
  if (!request) return null;
  const children = [
    request.max != null ? xml("max", {}, String(request.max)) : null,
    request.index != null ? xml("index", {}, String(request.index)) : null,
    request.after != null ? xml("after", {}, request.after) : null,
    request.before != null ? (request.before === "" ? xml("before") : xml("before", {}, request.before)) : null,
  ].filter((child) => child !== null);
  return children.length > 0 ? xml("set", { xmlns: NS_RSM }, ...children) : null;
}

/** The `<set/>` child of `parent` read as a reply's paging, or null when there is none. */
export function parseRsmSet(parent: Element | undefined): RsmResult | null {
  const set = parent?.getChild("set", NS_RSM);
  if (!set) return null;
  const count = Number(set.getChildText("count") ?? Number.NaN);
  const first = set.getChild("first");
  const firstIndex = Number(first?.attrs.index ?? Number.NaN);
  return {
    count: Number.isInteger(count) ? count : null,
    first: first ? first.text() : null,
    firstIndex: Number.isInteger(firstIndex) ? firstIndex : null,
    last: set.getChildText("last") ?? null,
  };
}
