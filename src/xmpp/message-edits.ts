import { xml, type Element } from "@xmpp/xml";
import { storeHint } from "./hints.js";
import { NS_SID } from "./namespaces.js";

/*
 * Changes to a message already sent, each pointing at it by id:
 * - XEP-0308 Last Message Correction: a new message whose `<replace id=…/>` names the
 *   one it corrects. https://xmpp.org/extensions/xep-0308.html
 * - XEP-0424 Message Retraction (version 1, `urn:xmpp:message-retract:1`), with the
 *   fallback body the XEP recommends; version 0 (fastening) is read too.
 *   https://xmpp.org/extensions/xep-0424.html
 * - XEP-0444 Message Reactions: the sender's whole set of reactions to a message.
 *   https://xmpp.org/extensions/xep-0444.html
 * Which id a change names: the message's `id` attribute (or origin-id) in one-to-one
 * chats, the room's stanza-id in group chats (XEP-0444 §3.1).
 */

export const NS_CORRECT = "urn:xmpp:message-correct:0";
export const NS_RETRACT = "urn:xmpp:message-retract:1";
const NS_RETRACT_0 = "urn:xmpp:message-retract:0";
const NS_FASTEN = "urn:xmpp:fasten:0";
export const NS_REACTIONS = "urn:xmpp:reactions:0";
const NS_FALLBACK = "urn:xmpp:fallback:0";

type MessageType = "chat" | "groupchat";

/** A correction of message `replaces` with a new body (XEP-0308 §3). */
export function buildCorrection(to: string, type: MessageType, replaces: string, body: string, id: string): Element {
  return xml("message", { to, type, id }, xml("body", {}, body), xml("replace", { xmlns: NS_CORRECT, id: replaces }));
}

/** The id a correction replaces, or null. */
export function parseCorrection(message: Element): string | null {
  const id = message.getChild("replace", NS_CORRECT)?.attrs.id;
  return typeof id === "string" && id !== "" ? id : null;
}

/** The text clients without XEP-0424 show instead of the retracted message. */
export const RETRACTION_FALLBACK = "This person attempted to retract a previous message, but it's unsupported by your client.";

/**
 * A retraction of message `retracts` (XEP-0424 §3) with its fallback body, marked as a
 * fallback (XEP-0428) and with a store hint so it is archived.
 */
export function buildRetraction(to: string, type: MessageType, retracts: string, id: string): Element {
  return xml(
    "message",
    { to, type, id },
    xml("retract", { xmlns: NS_RETRACT, id: retracts }),
    xml("fallback", { xmlns: NS_FALLBACK, for: NS_RETRACT }),
    xml("body", {}, RETRACTION_FALLBACK),
    storeHint(),
  );
}

/** The id a retraction retracts (version 1, or version 0's fastening), or null. */
export function parseRetraction(message: Element): string | null {
  const v1 = message.getChild("retract", NS_RETRACT)?.attrs.id;
  if (typeof v1 === "string" && v1 !== "") return v1;
  const fastened = message.getChild("apply-to", NS_FASTEN);
  const v0 = fastened?.getChild("retract", NS_RETRACT_0) ? fastened.attrs.id : undefined;
  return typeof v0 === "string" && v0 !== "" ? v0 : null;
}

/** Whether a message's body is only a fallback for the XEP named (XEP-0428). */
export function isFallbackBody(message: Element): boolean {
  return message.getChildren("fallback", NS_FALLBACK).length > 0;
}

/** The sender's reactions to message `reactsTo` (XEP-0444 §3.1), with a store hint. */
export function buildReactions(to: string, type: MessageType, reactsTo: string, emojis: string[], id: string): Element {
  return xml(
    "message",
    { to, type, id },
    xml("reactions", { xmlns: NS_REACTIONS, id: reactsTo }, ...emojis.map((emoji) => xml("reaction", {}, emoji))),
    storeHint(),
  );
}

/** What a reactions message says: the message reacted to and the sender's whole set. */
export interface Reactions {
  reactsTo: string;
  emojis: string[];
}

/** The reactions a message carries (duplicates and empty ones dropped, §3.1), or null. */
export function parseReactions(message: Element): Reactions | null {
  const reactions = message.getChild("reactions", NS_REACTIONS);
  const reactsTo = reactions?.attrs.id;
  if (!reactions || typeof reactsTo !== "string" || reactsTo === "") return null;
  const emojis = [...new Set(reactions.getChildren("reaction").map((r) => r.text().trim()).filter((e) => e !== ""))];
  return { reactsTo, emojis };
}

/**
 * The ids a change may name a one-to-one message by (XEP-0308 §3, XEP-0424 §4, XEP-0444
 * §3.1): its `id` attribute and its origin-id (XEP-0359), origin-id first (it survives
 * servers that rewrite `id`). In a room a change names the room's stanza-id instead.
 */
export function senderIdsOf(message: Element): string[] {
  const origin = message.getChild("origin-id", NS_SID)?.attrs.id;
  return [origin, message.attrs.id].filter((id): id is string => typeof id === "string" && id !== "");
}
