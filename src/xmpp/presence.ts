import { randomBytes } from "node:crypto";
import { xml, type Element } from "@xmpp/xml";
import { bareOf, resourceOf } from "./jid.js";

/*
 * The presence the gateway's own sessions send, and what they read from the presence of
 * the user's other resources (RFC 6121 §4). Routing of messages to the bare JID by
 * priority: RFC 6121 §8.5.2.1.1.
 */

/**
 * Resources the pooled sessions bind: `graphql-` and 12 hex digits. Sessions of the
 * gateway — this instance's or another instance's — are recognised by it and never taken
 * for one of the user's own clients.
 */
export const GATEWAY_RESOURCE = /^graphql-[0-9a-f]{12}$/;

/** A fresh resource matching {@link GATEWAY_RESOURCE}. */
export function newGatewayResource(): string {
  return `graphql-${randomBytes(6).toString("hex")}`;
}

/**
 * The priority of a subscribed gateway session while none of the user's own clients is
 * available with a priority of 0 or more: the gateway is then the user's only routable
 * client, so messages to the bare JID are delivered to it instead of to offline storage.
 */
export const PRIORITY_ALONE = 0;

/**
 * The priority of a subscribed gateway session while one of the user's own clients is
 * routable: a negative priority is never chosen for messages to the bare JID, so the
 * gateway takes none away from that client, while Message Carbons (XEP-0280) still copy
 * them to it.
 */
export const PRIORITY_BEHIND_CLIENTS = -1;

/**
 * The priority a subscribed gateway session announces, given the priorities of the
 * user's own clients that are available (the gateway's sessions left out).
 * @returns {@link PRIORITY_BEHIND_CLIENTS} when one of them is routable (priority ≥ 0),
 *          {@link PRIORITY_ALONE} otherwise.
 */
export function gatewayPriority(clientPriorities: Iterable<number>): number {
  for (const priority of clientPriorities) if (priority >= 0) return PRIORITY_BEHIND_CLIENTS;
  return PRIORITY_ALONE;
}

/** Available presence with a priority (RFC 6121 §4.2, §4.7.2.3). */
export function buildAvailablePresence(priority: number): Element {
  return xml("presence", {}, xml("priority", {}, String(priority)));
}

/**
 * Unavailable presence with an optional status (RFC 6121 §4.5.2), to the server itself;
 * servers keep its time and status as the account's last activity (XEP-0012).
 */
export function buildUnavailablePresence(status = ""): Element {
  return xml("presence", { type: "unavailable" }, status === "" ? null : xml("status", {}, status));
}

/**
 * The priority an available presence announces (RFC 6121 §4.7.2.3): an integer in
 * -128…127 (clamped, as servers do), 0 when absent or not a number; `null` for a presence
 * that is not "available".
 */
export function parsePresencePriority(presence: Element): number | null {
  if (presence.attrs.type !== undefined) return null;
  const text = presence.getChildText("priority")?.trim();
  if (!text || !/^[+-]?\d+$/.test(text)) return 0;
  return Math.max(-128, Math.min(127, Number(text)));
}

/** Presence from another resource of the same account: its priority, or `null` when it left. */
export interface OwnResourcePresence {
  resource: string;
  priority: number | null;
}

/**
 * Reads the presence of one of the account's own resources, which the server sends to an
 * available resource of the account: all the others' when it becomes available, and each
 * later change (RFC 6121 §4.2.2, §4.4.2, §4.5.2).
 * @param bareJid the account's bare JID, lower-case.
 * @returns the resource and its priority (`null` for unavailable), or null for any other
 *          stanza (another entity, subscription requests, errors).
 */
export function parseOwnResourcePresence(stanza: Element, bareJid: string): OwnResourcePresence | null {
  if (stanza.name !== "presence") return null;
  const type = stanza.attrs.type;
  if (type !== undefined && type !== "unavailable") return null;
  const from: string = stanza.attrs.from ?? "";
  const resource = resourceOf(from);
  if (resource === undefined || bareOf(from) !== bareJid) return null;
  return { resource, priority: parsePresencePriority(stanza) };
}
