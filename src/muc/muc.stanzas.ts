import { xml, type Element } from "@xmpp/xml";
import { buildSubmitForm, parseDataFormIn, type DataForm } from "../xmpp/forms.js";
import type { DiscoInfo } from "../xmpp/disco.js";
import { parseStanzaError } from "../xmpp/errors.js";
import type { StanzaError } from "../xmpp/errors.js";
import { bareOf, resourceOf } from "../xmpp/jid.js";

/*
 * XEP-0045 Multi-User Chat as pure stanza builders and parsers, plus what MUC reads
 * from disco#info and room archives (XEP-0313 addressed to a room); the shared protocols
 * themselves live in src/xmpp. Nothing here talks to a session: the MUC API and
 * MUC Light's mapping onto MUC both build on these.
 */

/** XEP-0045 §19.1: joining (`<x/>` in presence). */
export const NS_MUC = "http://jabber.org/protocol/muc";
/** XEP-0045 §19.1: occupant data in room presence and messages. */
export const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
/** XEP-0045 §19.1: moderator and admin use cases (§8, §9). */
export const NS_MUC_ADMIN = "http://jabber.org/protocol/muc#admin";
/** XEP-0045 §19.1: owner use cases (§10): configuration and destruction. */
export const NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner";
/** XEP-0045 §15.5.3: FORM_TYPE of the room configuration form. */
export const NS_MUC_ROOMCONFIG = "http://jabber.org/protocol/muc#roomconfig";
/** XEP-0045 §15.5.4: FORM_TYPE of the extended room information (disco#info). */
export const NS_MUC_ROOMINFO = "http://jabber.org/protocol/muc#roominfo";

/** XEP-0045 §5.1 roles, as the protocol spells them. */
export type MucRole = "moderator" | "participant" | "visitor" | "none";
/** XEP-0045 §5.2 affiliations, as the protocol spells them. */
export type MucAffiliation = "owner" | "admin" | "member" | "outcast" | "none";

const ROLES: ReadonlySet<string> = new Set(["moderator", "participant", "visitor", "none"]);
const AFFILIATIONS: ReadonlySet<string> = new Set(["owner", "admin", "member", "outcast", "none"]);

/** XEP-0045 §15.6 status codes the gateway acts on. */
export const MUC_STATUS = {
  /** Presence refers to the receiving occupant itself. */
  SELF: 110,
  /** Non-anonymous room: real JIDs are shown to everyone. */
  NON_ANONYMOUS: 100,
  /** A new room was created (and is locked until configured). */
  ROOM_CREATED: 201,
  BANNED: 301,
  NICK_CHANGED: 303,
  KICKED: 307,
  AFFILIATION_CHANGED: 321,
  MEMBERS_ONLY: 322,
  SHUTDOWN: 332,
} as const;

/** `room@service/nick`. */
export function occupantJid(room: string, nick: string): string {
  return `${room}/${nick}`;
}

/** Splits `room@service/nick`; nick is "" for a bare JID. The room part is lower-cased. */
export function splitOccupantJid(jid: string): { room: string; nick: string } {
  return { room: bareOf(jid), nick: resourceOf(jid) ?? "" };
}

// ---------------------------------------------------------------------------------------
// Presence: entering, leaving, nick changes (XEP-0045 §7.2, §7.6, §7.14)

/**
 * The presence that enters a room (XEP-0045 §7.2.2), or creates it (§10.1.1).
 * `maxStanzas: 0` asks for no discussion history (§7.2.15).
 */
export function buildJoinPresence(
  room: string,
  nick: string,
  options: { password?: string | null; maxStanzas?: number; id?: string } = {},
): Element {
  const attrs: Record<string, string> = { to: occupantJid(room, nick) };
  if (options.id) attrs.id = options.id;
  return xml(
    "presence",
    attrs,
    xml(
      "x",
      { xmlns: NS_MUC },
      options.maxStanzas !== undefined ? xml("history", { maxstanzas: String(options.maxStanzas) }) : null,
      options.password != null ? xml("password", {}, options.password) : null,
    ),
  );
}

/** Changes the nickname of an occupant (XEP-0045 §7.6): plain presence to the new occupant JID. */
export function buildNickChangePresence(room: string, newNick: string, id?: string): Element {
  return xml("presence", id ? { to: occupantJid(room, newNick), id } : { to: occupantJid(room, newNick) });
}

/** Leaves a room (XEP-0045 §7.14). */
export function buildLeavePresence(room: string, nick: string, status?: string | null): Element {
  return xml("presence", { to: occupantJid(room, nick), type: "unavailable" }, status != null ? xml("status", {}, status) : null);
}

/** What an occupant presence from a room says (XEP-0045 §7.2.3, §15.6). */
export interface OccupantPresence {
  /** The room's bare JID, lower-case. */
  room: string;
  nick: string;
  available: boolean;
  role: MucRole | null;
  affiliation: MucAffiliation | null;
  /** The occupant's real full JID, when the room shows it to us. */
  jid: string | null;
  /** The new nickname, on the unavailable presence of a nick change (status 303). */
  newNick: string | null;
  /** Why a kick, ban or affiliation change happened. */
  reason: string | null;
  statusCodes: ReadonlySet<number>;
  /** Status 110: this presence is about the receiving occupant itself. */
  isSelf: boolean;
  /** Set when the room was destroyed (XEP-0045 §10.9). */
  destroyed: { reason: string | null; alternate: string | null } | null;
}

/**
 * Reads an occupant presence. Error presences and presences without MUC data return null
 * (see {@link parsePresenceError} for the former).
 */
export function parseOccupantPresence(stanza: Element): OccupantPresence | null {
  if (stanza.name !== "presence") return null;
  const type = stanza.attrs.type;
  if (type !== undefined && type !== "unavailable") return null;
  const from = stanza.attrs.from;
  const x = stanza.getChild("x", NS_MUC_USER);
  if (!from || !x) return null;
  const { room, nick } = splitOccupantJid(from);
  if (!nick) return null;
  const item = x.getChild("item");
  const statusCodes = new Set<number>();
  for (const status of x.getChildren("status")) {
    const code = Number(status.attrs.code);
    if (Number.isInteger(code)) statusCodes.add(code);
  }
  const destroy = x.getChild("destroy");
  const role = item?.attrs.role;
  const affiliation = item?.attrs.affiliation;
  return {
    room,
    nick,
    available: type === undefined,
    role: role !== undefined && ROLES.has(role) ? (role as MucRole) : null,
    affiliation: affiliation !== undefined && AFFILIATIONS.has(affiliation) ? (affiliation as MucAffiliation) : null,
    jid: item?.attrs.jid ?? null,
    newNick: statusCodes.has(MUC_STATUS.NICK_CHANGED) ? (item?.attrs.nick ?? null) : null,
    reason: item?.getChildText("reason") ?? null,
    statusCodes,
    isSelf: statusCodes.has(MUC_STATUS.SELF),
    destroyed: destroy ? { reason: destroy.getChildText("reason") ?? null, alternate: destroy.attrs.jid ?? null } : null,
  };
}

/** The error of a presence of type "error" (e.g. a refused entry, XEP-0045 §7.2.4–§7.2.11), or null. */
export function parsePresenceError(stanza: Element): StanzaError | null {
  if (stanza.name !== "presence" || stanza.attrs.type !== "error") return null;
  return parseStanzaError(stanza);
}

/** The error of a message of type "error" (a bounced groupchat, PM or invitation), or null. */
export function parseMessageError(stanza: Element): StanzaError | null {
  if (stanza.name !== "message" || stanza.attrs.type !== "error") return null;
  return parseStanzaError(stanza);
}

// ---------------------------------------------------------------------------------------
// Messages (XEP-0045 §7.4, §7.5, §7.8.2)

/** A subject change (XEP-0045 §8.1): a groupchat message with only a `<subject/>`. */
export function buildSubjectMessage(room: string, subject: string, id: string): Element {
  return xml("message", { to: room, type: "groupchat", id }, xml("subject", {}, subject));
}

/** A message to all occupants (XEP-0045 §7.4). */
export function buildGroupchatMessage(room: string, body: string, id: string): Element {
  return xml("message", { to: room, type: "groupchat", id }, xml("body", {}, body));
}

/** A private message to one occupant, addressed by nickname (XEP-0045 §7.5). */
export function buildPrivateMessage(room: string, nick: string, body: string, id: string): Element {
  return xml("message", { to: occupantJid(room, nick), type: "chat", id }, xml("body", {}, body), xml("x", { xmlns: NS_MUC_USER }));
}

/** A mediated invitation sent through the room (XEP-0045 §7.8.2). */
export function buildMediatedInvite(room: string, invitee: string, reason: string | null | undefined, id: string): Element {
  return xml(
    "message",
    { to: room, id },
    xml("x", { xmlns: NS_MUC_USER }, xml("invite", { to: invitee }, reason != null ? xml("reason", {}, reason) : null)),
  );
}

/** An invitation as the invitee receives it from the room. */
export interface MediatedInvite {
  room: string;
  /** Who invited, as the room reports it (a real JID or an occupant JID). */
  from: string | null;
  reason: string | null;
  password: string | null;
}

/** Reads an invitation forwarded by a room (XEP-0045 §7.8.2), or null. */
export function parseMediatedInvite(stanza: Element): MediatedInvite | null {
  if (stanza.name !== "message" || stanza.attrs.type === "error" || !stanza.attrs.from) return null;
  const x = stanza.getChild("x", NS_MUC_USER);
  const invite = x?.getChild("invite");
  if (!x || !invite) return null;
  return {
    room: splitOccupantJid(stanza.attrs.from).room,
    from: invite.attrs.from ?? null,
    reason: invite.getChildText("reason") ?? null,
    password: x.getChildText("password") ?? null,
  };
}

// ---------------------------------------------------------------------------------------
// Moderation and affiliation lists: muc#admin (XEP-0045 §8, §9)

/** One item of a muc#admin list or change. */
export interface AdminItem {
  /** Bare JID for affiliation items; the full JID the room shows for role items. */
  jid: string | null;
  nick: string | null;
  role: MucRole | null;
  affiliation: MucAffiliation | null;
}

/** Asks for everyone with an affiliation (XEP-0045 §9.5, §10.5) or a role (§8.5, §9.8). */
export function buildAdminListGet(room: string, filter: { affiliation: MucAffiliation } | { role: MucRole }): Element {
  return xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { ...filter })));
}

/** Reads the items of a muc#admin list result. */
export function parseAdminItems(reply: Element): AdminItem[] {
  const query = reply.getChild("query", NS_MUC_ADMIN);
  return (query?.getChildren("item") ?? []).map((item) => ({
    jid: item.attrs.jid ?? null,
    nick: item.attrs.nick ?? null,
    role: item.attrs.role !== undefined && ROLES.has(item.attrs.role) ? (item.attrs.role as MucRole) : null,
    affiliation:
      item.attrs.affiliation !== undefined && AFFILIATIONS.has(item.attrs.affiliation)
        ? (item.attrs.affiliation as MucAffiliation)
        : null,
  }));
}

/** Changes an occupant's role by nickname (XEP-0045 §8.2 kick is role `none`, §8.3–§8.6, §9.6–§9.7). */
export function buildRoleChange(room: string, nick: string, role: MucRole, reason?: string | null): Element {
  return xml(
    "iq",
    { type: "set", to: room },
    xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { nick, role }, reason != null ? xml("reason", {}, reason) : null)),
  );
}

/** Changes a user's affiliation by bare JID (XEP-0045 §9.1–§9.4, §10.3–§10.7). */
export function buildAffiliationChange(room: string, jid: string, affiliation: MucAffiliation, reason?: string | null): Element {
  return xml(
    "iq",
    { type: "set", to: room },
    xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { jid, affiliation }, reason != null ? xml("reason", {}, reason) : null)),
  );
}

// ---------------------------------------------------------------------------------------
// Owner use cases: configuration and destruction (XEP-0045 §10)

/** Requests the room configuration form (XEP-0045 §10.2). */
export function buildConfigFormGet(room: string): Element {
  return xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_MUC_OWNER }));
}

/**
 * Submits room configuration values (XEP-0045 §10.2). Only the given fields are sent:
 * XEP-0045 services apply the fields present and leave the others as they are.
 */
export function buildConfigSubmit(room: string, values: Readonly<Record<string, readonly string[]>>): Element {
  return xml("iq", { type: "set", to: room }, xml("query", { xmlns: NS_MUC_OWNER }, buildSubmitForm(NS_MUC_ROOMCONFIG, values)));
}

/** Accepts the default configuration of a newly created room (XEP-0045 §10.1.2), which unlocks it. */
export function buildInstantRoomSubmit(room: string): Element {
  return xml("iq", { type: "set", to: room }, xml("query", { xmlns: NS_MUC_OWNER }, buildSubmitForm()));
}

/** Destroys a room (XEP-0045 §10.9), optionally pointing occupants to another room. */
export function buildDestroyRoom(room: string, reason?: string | null, alternate?: string | null): Element {
  return xml(
    "iq",
    { type: "set", to: room },
    xml(
      "query",
      { xmlns: NS_MUC_OWNER },
      xml("destroy", alternate ? { jid: alternate } : {}, reason != null ? xml("reason", {}, reason) : null),
    ),
  );
}

/** Reads the configuration form out of a muc#owner result; null when it has none. */
export function parseConfigForm(reply: Element): DataForm | null {
  return parseDataFormIn(reply.getChild("query", NS_MUC_OWNER));
}

// ---------------------------------------------------------------------------------------
// What rooms and services say about themselves (XEP-0045 §6, through XEP-0030 disco#info)

/** Whether a disco#info result describes a MUC service or room (XEP-0045 §6.1, §6.4). */
export function isMucEntity(info: DiscoInfo): boolean {
  return info.features.has(NS_MUC) || info.identities.some((i) => i.category === "conference" && i.type === "text");
}

/** What the gateway reads from a room's disco#info (XEP-0045 §6.4, §15.5.4). */
export interface RoomInfo {
  /** The room's name, or null when it has none. */
  name: string | null;
  /** `muc_hidden`: not listed in the service's directory. Null when the room says neither. */
  hidden: boolean | null;
  /** `muc#roominfo_occupants`, when the room publishes it. */
  occupants: number | null;
  features: ReadonlySet<string>;
  /** The muc#roominfo form, when present. */
  extended: DataForm | null;
}

export function parseRoomInfo(info: DiscoInfo): RoomInfo {
  const extended = info.forms.find((f) => f.formType === NS_MUC_ROOMINFO) ?? null;
  const occupants = Number(extended?.fields.get("muc#roominfo_occupants")?.values[0] ?? Number.NaN);
  const identityName = info.identities.find((i) => i.category === "conference")?.name ?? null;
  const formName = extended?.fields.get("muc#roomconfig_roomname")?.values[0] || null;
  return {
    name: identityName ?? formName,
    hidden: info.features.has("muc_hidden") ? true : info.features.has("muc_public") ? false : null,
    occupants: Number.isInteger(occupants) && occupants >= 0 ? occupants : null,
    features: info.features,
    extended,
  };
}
