import { xml, type Element } from "@xmpp/xml";

/*
 * XEP-0334 Message Processing Hints: what a sender asks the servers on the way to do
 * with a message. https://xmpp.org/extensions/xep-0334.html
 */

export const NS_HINTS = "urn:xmpp:hints";

/** `<no-store/>` (§4.3): not archived, not stored offline — typing notifications. */
export function noStoreHint(): Element {
  return xml("no-store", { xmlns: NS_HINTS });
}

/**
 * `<store/>` (§4.4): archive it although it has no body. Servers archive messages with a
 * body by default and drop bodiless ones (markers, reactions) unless asked.
 */
export function storeHint(): Element {
  return xml("store", { xmlns: NS_HINTS });
}
