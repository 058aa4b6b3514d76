import { xml, type Element } from "@xmpp/xml";
import { parseDateTime } from "./date-time.js";
import { parsePresencePriority } from "./presence.js";
import { buildCapsElement } from "./caps.js";
import { bareOf, resourceOf } from "./jid.js";

/*
 * Other entities' presence as a chat client shows it (RFC 6121 §4.7: show, status,
 * priority), idle time (XEP-0319 Last User Interaction in Presence,
 * https://xmpp.org/extensions/xep-0319.html), and subscription requests and answers
 * (RFC 6121 §3).
 */

export const NS_IDLE = "urn:xmpp:idle:1";

/** RFC 6121 §4.7.2.1 `<show/>` values, plus plain available (`online`) and `offline`. */
export type Show = "online" | "chat" | "away" | "xa" | "dnd" | "offline";

/** The presence of one resource. */
export interface ResourceState {
  resource: string;
  show: Show;
  status: string | null;
  priority: number;
  idleSince: Date | null;
}

const SHOWN = new Set(["chat", "away", "xa", "dnd"]);

/**
 * A presence stanza about another entity's resource: its bare JID (lower-case) and its
 * state, `offline` for unavailable. Null for subscription stanzas, errors, probes, and
 * presence without a from.
 */
export function parseResourcePresence(stanza: Element): { bareJid: string; state: ResourceState } | null {
  if (stanza.name !== "presence") return null;
  const type = stanza.attrs.type;
  if (type !== undefined && type !== "unavailable") return null;
  const from: string = stanza.attrs.from ?? "";
  if (from === "") return null;
  const bareJid = bareOf(from);
  const resource = resourceOf(from) ?? "";
  const showText = stanza.getChildText("show")?.trim() ?? "";
  const show: Show = type === "unavailable" ? "offline" : SHOWN.has(showText) ? (showText as Show) : "online";
  const status = stanza.getChildText("status");
  const since = stanza.getChild("idle", NS_IDLE)?.attrs.since;
  return {
    bareJid,
    state: {
      resource,
      show,
      status: status === null || status === "" ? null : status,
      priority: parsePresencePriority(stanza) ?? 0,
      idleSince: typeof since === "string" ? parseDateTime(since) : null,
    },
  };
}

/** The presence this gateway announces for the user (RFC 6121 §4.2, §4.7; XEP-0319). */
export interface OwnPresence {
  show: Show;
  status: string | null;
  priority: number;
  idleSince: Date | null;
}

/** The stanza announcing `presence`: available with show/status/priority/idle and caps (XEP-0115), or unavailable. */
export function buildPresence(presence: OwnPresence): Element {
  if (presence.show === "offline") return xml("presence", { type: "unavailable" }, presence.status === null ? null : xml("status", {}, presence.status));
  return xml(
    "presence",
    {},
    presence.show === "online" ? null : xml("show", {}, presence.show),
    presence.status === null ? null : xml("status", {}, presence.status),
    xml("priority", {}, String(presence.priority)),
    presence.idleSince === null ? null : xml("idle", { xmlns: NS_IDLE, since: presence.idleSince.toISOString() }),
    buildCapsElement(),
  );
}

// Most available first: what a client shows for a contact with several resources.
const RANK: Record<Show, number> = { chat: 0, online: 1, away: 2, dnd: 3, xa: 4, offline: 5 };

/**
 * A contact's resources, most available first (then by priority, highest first): the
 * first one is what a client shows for the contact. Offline resources are left out.
 */
export function rankResources(resources: Iterable<ResourceState>): ResourceState[] {
  return [...resources]
    .filter((r) => r.show !== "offline")
    .sort((a, b) => RANK[a.show] - RANK[b.show] || b.priority - a.priority || a.resource.localeCompare(b.resource));
}

/** RFC 6121 §3 subscription stanza types. */
export type SubscriptionKind = "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed";
const SUBSCRIPTION_KINDS = new Set<string>(["subscribe", "subscribed", "unsubscribe", "unsubscribed"]);

/** A subscription request or answer: who sent it (bare, lower-case), its kind, its status text. */
export function parseSubscriptionPresence(stanza: Element): { from: string; kind: SubscriptionKind; message: string | null } | null {
  if (stanza.name !== "presence" || !SUBSCRIPTION_KINDS.has(stanza.attrs.type ?? "")) return null;
  const from: string = stanza.attrs.from ?? "";
  if (from === "") return null;
  const status = stanza.getChildText("status");
  return { from: bareOf(from), kind: stanza.attrs.type as SubscriptionKind, message: status === null || status === "" ? null : status };
}
