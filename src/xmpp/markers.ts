import { xml, type Element } from "@xmpp/xml";
import { storeHint } from "./hints.js";
import { NS_SID } from "./namespaces.js";
import { NS_PUBSUB, buildOwnItemsGet, buildOwnerOnlyPublish } from "./pep.js";

/*
 * Read positions:
 * - XEP-0333 Displayed Markers (0.4): a `<displayed id=…/>` sent to the peer.
 *   https://xmpp.org/extensions/xep-0333.html
 * - XEP-0490 Message Displayed Synchronization: the user's own read position per
 *   conversation, a PEP item (id = the conversation's bare JID) holding the archive id of
 *   the last message displayed. https://xmpp.org/extensions/xep-0490.html
 */

export const NS_MARKERS = "urn:xmpp:chat-markers:0";
export const NS_MDS = "urn:xmpp:mds:displayed:0";
const NS_PUBSUB_EVENT = "http://jabber.org/protocol/pubsub#event";

/**
 * A displayed marker for message `id` (§3), with a store hint: servers archive it
 * although it has no body, so the user's other clients and a resumed stream see it.
 */
export function buildDisplayedMarker(to: string, id: string, type: "chat" | "groupchat", stanzaId: string): Element {
  return xml("message", { to, type, id: stanzaId }, xml("displayed", { xmlns: NS_MARKERS, id }), storeHint());
}

/** The id a displayed marker points at, or null when the message carries none. */
export function parseDisplayedMarker(message: Element): string | null {
  const displayed = message.getChild("displayed", NS_MARKERS);
  const id = displayed?.attrs.id;
  return typeof id === "string" && id !== "" ? id : null;
}

/** One read position of XEP-0490: the conversation and the archive id read up to. */
export interface DisplayedPosition {
  conversation: string;
  stanzaId: string;
}

/** The payload of a read position (§4): the archive id, and whose archive it is (`by`). */
export function buildDisplayedPayload(position: DisplayedPosition, by: string): Element {
  return xml("displayed", { xmlns: NS_MDS }, xml("stanza-id", { xmlns: NS_SID, id: position.stanzaId, by }));
}

/**
 * Publishes a read position to the user's own PEP node (§4), with the publish options
 * XEP-0490 asks for: kept, many items, readable by the owner only.
 * @param by the entity whose archive id `stanzaId` is: the user's bare JID, or the room's.
 */
export function buildDisplayedPublish(position: DisplayedPosition, by: string): Element {
  return buildOwnerOnlyPublish(NS_MDS, position.conversation, buildDisplayedPayload(position, by));
}

/** A request for all of the user's read positions (the node's items). */
export function buildDisplayedItemsGet(): Element {
  return buildOwnItemsGet(NS_MDS);
}

function positionOf(item: Element): DisplayedPosition | null {
  const conversation = item.attrs.id;
  const stanzaId = item.getChild("displayed", NS_MDS)?.getChild("stanza-id", NS_SID)?.attrs.id;
  if (typeof conversation !== "string" || conversation === "" || typeof stanzaId !== "string" || stanzaId === "") return null;
  return { conversation: conversation.toLowerCase(), stanzaId };
}

/** The read positions of an items reply; malformed items are skipped. */
export function parseDisplayedItems(reply: Element): DisplayedPosition[] {
  const items = reply.getChild("pubsub", NS_PUBSUB)?.getChild("items") ?? undefined;
  if (!items || items.attrs.node !== NS_MDS) return [];
  return items.getChildren("item").map(positionOf).filter((p): p is DisplayedPosition => p !== null);
}

/**
 * The read positions a PEP notification carries (§4: the server pushes each publish to
 * the user's other resources), or [] for any other message. Only notifications from the
 * user's own bare JID count: nobody else may move the user's read position.
 * @param bareJid the user's bare JID, lower-case.
 */
export function parseDisplayedEvent(message: Element, bareJid: string): DisplayedPosition[] {
  const from = (message.attrs.from ?? "").toLowerCase();
  if (from !== "" && from !== bareJid) return [];
  const items = message.getChild("event", NS_PUBSUB_EVENT)?.getChild("items") ?? undefined;
  if (!items || items.attrs.node !== NS_MDS) return [];
  return items.getChildren("item").map(positionOf).filter((p): p is DisplayedPosition => p !== null);
}
