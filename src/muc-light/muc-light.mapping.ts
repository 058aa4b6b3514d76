import type { AdminItem, MucAffiliation, RoomInfo } from "../muc/muc.stanzas.js";
import { bareOf } from "../xmpp/jid.js";

/*
 * MUC Light (MongooseIM's urn:xmpp:muclight:0) mapped onto XEP-0045 rooms, as pure
 * functions. A MUC Light room is a persistent, members-only, non-anonymous, hidden
 * XEP-0045 room whose owners are MUC Light owners and whose members (and admins) are
 * MUC Light members:
 *
 *   roomname          ↔ muc#roomconfig_roomname (read back from disco#info)
 *   subject           ↔ the room subject (XEP-0045 §8.1), mirrored in the description
 *   other options     ↔ JSON in muc#roomconfig_roomdesc (read from disco#info's
 *                       muc#roominfo_description, which members can read without joining)
 *   icon (chat-app)   ↔ the room's vCard PHOTO where rooms take one (XEP-0486), else a
 *                       `data:` URI in the description
 *
 * The description holds `{"muclight":{"subject":"…","options":{"k":"v"},"icon":"data:…"}}`
 * (`icon` only when set there).
 */

/** MongooseIM's default room configuration schema (mod_muc_light default_schema/0). */
export const DEFAULT_ROOM_NAME = "Untitled";
export const DEFAULT_SUBJECT = "";
export const ROOMNAME_KEY = "roomname";
export const SUBJECT_KEY = "subject";

/** A MUC Light member as the API reports it (the GraphQL `RoomUser`). */
export interface Participant {
  jid: string;
  affiliation: "OWNER" | "MEMBER";
}

/** A MUC Light room as the API reports it (the GraphQL `Room`). */
export interface LightRoom {
  jid: string;
  name: string | null;
  subject: string | null;
  participants: Participant[];
  options: Array<{ key: string; value: string }>;
}

/** What the room's description stores besides the name. */
export interface StoredConfig {
  subject: string;
  /** Free-form options, without `roomname` and `subject`. */
  options: Map<string, string>;
  /** The room's icon as a `data:` URI, on servers whose rooms take no vCard; else null. */
  icon?: string | null;
}

/**
 * MongooseIM's `config_to_map`: the options given, with `name` and `subject` (when
 * given) overriding the `roomname`/`subject` keys. A key given twice keeps its last value.
 */
export function toConfigMap(
  name: string | null | undefined,
  subject: string | null | undefined,
  options: ReadonlyArray<{ key: string; value: string }> | null | undefined,
): Map<string, string> {
  const map = new Map<string, string>();
  for (const { key, value } of options ?? []) map.set(key, value);
  if (name != null) map.set(ROOMNAME_KEY, name);
  if (subject != null) map.set(SUBJECT_KEY, subject);
  return map;
}

/** Options as the API lists them: sorted by key (MongooseIM sorts its map). */
export function optionList(map: ReadonlyMap<string, string>): Array<{ key: string; value: string }> {
  return [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => ({ key, value }));
}

/** Serialises the description of a mapped room. */
export function encodeDescription(config: StoredConfig): string {
  const icon = config.icon ? { icon: config.icon } : {};
  return JSON.stringify({ muclight: { subject: config.subject, options: Object.fromEntries(config.options), ...icon } });
}

/** Whether a room's description is that of a mapped (MUC Light) room. */
export function isLightDescription(description: string | null | undefined): boolean {
  try {
    const parsed: unknown = JSON.parse(description ?? "");
    return isRecord(parsed) && isRecord(parsed.muclight);
  } catch {
    return false;
  }
}

/**
 * Reads the description of a mapped room; anything else (a plain room's free text, a
 * malformed value) reads as the defaults, so that such a room still shows its name.
 */
export function decodeDescription(description: string | null | undefined): StoredConfig {
  const empty: StoredConfig = { subject: DEFAULT_SUBJECT, options: new Map() };
  if (!description) return empty;
  let parsed: unknown;
  try {
    parsed = JSON.parse(description);
  } catch {
    return empty;
  }
  const light = isRecord(parsed) ? parsed.muclight : undefined;
  if (!isRecord(light)) return empty;
  const options = new Map<string, string>();
  if (isRecord(light.options)) {
    for (const [key, value] of Object.entries(light.options)) {
      if (typeof value === "string" && key !== ROOMNAME_KEY && key !== SUBJECT_KEY) options.set(key, value);
    }
  }
  const icon = typeof light.icon === "string" ? { icon: light.icon } : {};
  return { subject: typeof light.subject === "string" ? light.subject : DEFAULT_SUBJECT, options, ...icon };
}

/** Applies a change map (from {@link toConfigMap}) to the stored configuration. */
export function applyChanges(current: StoredConfig, changes: ReadonlyMap<string, string>): StoredConfig {
  const options = new Map(current.options);
  let subject = current.subject;
  for (const [key, value] of changes) {
    if (key === SUBJECT_KEY) subject = value;
    else if (key !== ROOMNAME_KEY) options.set(key, value);
  }
  return { subject, options, ...(current.icon ? { icon: current.icon } : {}) };
}

/** The room as `getRoomConfig` reports it: every key, `roomname` and `subject` included. */
export function fullRoom(jid: string, name: string, stored: StoredConfig, participants: Participant[]): LightRoom {
  const all = new Map(stored.options);
  all.set(ROOMNAME_KEY, name);
  all.set(SUBJECT_KEY, stored.subject);
  return { jid, name, subject: stored.subject, participants, options: optionList(all) };
}

/**
 * The room as MongooseIM's `createRoom`/`changeRoomConfiguration` report it: only the
 * keys that were given, `name`/`subject` null unless given.
 */
export function givenRoom(jid: string, given: ReadonlyMap<string, string>, participants: Participant[]): LightRoom {
  return {
    jid,
    name: given.get(ROOMNAME_KEY) ?? null,
    subject: given.get(SUBJECT_KEY) ?? null,
    participants,
    options: optionList(given),
  };
}

const AFFILIATION_RANK: Readonly<Record<string, number>> = { owner: 0, admin: 1, member: 1 };

/**
 * MUC Light participants from the room's affiliation lists: owners are `OWNER`; admins
 * and members are `MEMBER` (MUC Light has no admins). Owners first, then by JID;
 * resources dropped, lower-cased, each JID once (its highest affiliation).
 */
export function participantsFrom(items: ReadonlyArray<{ jid: string | null; affiliation: MucAffiliation | null }>): Participant[] {
  const best = new Map<string, number>();
  for (const item of items) {
    if (!item.jid || item.affiliation === null) continue;
    const rank = AFFILIATION_RANK[item.affiliation];
    if (rank === undefined) continue;
    const jid = bareOf(item.jid);
    best.set(jid, Math.min(rank, best.get(jid) ?? rank));
  }
  return [...best.entries()]
    .map(([jid, rank]): Participant => ({ jid, affiliation: rank === 0 ? "OWNER" : "MEMBER" }))
    .sort((a, b) => (a.affiliation !== b.affiliation ? (a.affiliation === "OWNER" ? -1 : 1) : a.jid < b.jid ? -1 : a.jid > b.jid ? 1 : 0));
}

/** Affiliation lists carry the kind asked for only in the request; fill it in. */
export function withAffiliation(items: readonly AdminItem[], affiliation: MucAffiliation): AdminItem[] {
  return items.map((i) => ({ ...i, affiliation: i.affiliation ?? affiliation }));
}

// ---------------------------------------------------------------------------------------
// Room configuration (XEP-0045 §10.2, §15.5.3)

/** Fields that make a room behave like a MUC Light room; creation fails without them. */
export const REQUIRED_FIELDS = ["muc#roomconfig_persistentroom", "muc#roomconfig_membersonly", "muc#roomconfig_whois"] as const;

/**
 * The configuration submitted when a mapped room is created, restricted to the fields
 * the server's form offers: persistent, members-only, real JIDs visible to everyone
 * (Prosody then lets members read the affiliation lists), hidden, unmoderated, subject
 * owner-only, members may invite, archived (Prosody's muc_mam and ejabberd's field).
 */
export function creationConfig(offered: ReadonlySet<string>, name: string, description: string): Record<string, string[]> {
  const wanted: Record<string, string[]> = {
    "muc#roomconfig_roomname": [name],
    "muc#roomconfig_roomdesc": [description],
    "muc#roomconfig_persistentroom": ["1"],
    "muc#roomconfig_membersonly": ["1"],
    "muc#roomconfig_whois": ["anyone"],
    "muc#roomconfig_publicroom": ["0"],
    "muc#roomconfig_moderatedroom": ["0"],
    "muc#roomconfig_changesubject": ["0"],
    "muc#roomconfig_allowinvites": ["1"],
    "{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites": ["1"],
    "muc#roomconfig_enablearchiving": ["1"],
    "mam": ["1"],
    "muc#roomconfig_getmemberlist": ["moderator", "participant", "visitor"],
  };
  return Object.fromEntries(Object.entries(wanted).filter(([field]) => offered.has(field)));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The room description of a disco#info answer (`muc#roominfo_description`), where MUC Light rooms keep their data. */
export function descriptionOf(info: RoomInfo): string | null {
  return info.extended?.fields.get("muc#roominfo_description")?.values[0] ?? null;
}

/**
 * A room's current subject as its disco#info tells it: `muc#roominfo_subject` where the
 * server lists it, else the subject a MUC Light room keeps in its description; null when
 * it has none.
 */
export function roomSubjectOf(info: RoomInfo): string | null {
  return info.extended?.fields.get("muc#roominfo_subject")?.values[0] || decodeDescription(descriptionOf(info)).subject || null;
}
