import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError, type ConditionMapping } from "../errors/map-error.js";
import {
  MUC_ERRORS, MUC_MESSAGES, configNotApplied, lastOwner, mucServerNotFound, occupantsOnlyInside, MUC_CONTEXT, unsupportedConfig,
} from "./muc.errors.js";
import { newStanzaId, type StanzaRecord } from "../xmpp/messages.js";
import { queryArchive } from "../xmpp/mam.js";
import {
  buildAdminListGet, buildAffiliationChange, buildConfigFormGet, buildConfigSubmit,
  buildGroupchatMessage, buildInstantRoomSubmit, buildLeavePresence, buildMediatedInvite,
  buildPrivateMessage, buildRoleChange, isMucEntity, parseAdminItems, parseConfigForm,
  parseMessageError, parseRoomInfo, splitOccupantJid,
  type MucAffiliation, type MucRole, type RoomInfo,
} from "./muc.stanzas.js";
import { buildDiscoItemsGet, discoInfo, parseDiscoItems, type DiscoInfo, type DiscoItem } from "../xmpp/disco.js";
import type { DataForm } from "../xmpp/forms.js";
import { planConfigChange, readRoomConfig, unappliedChanges, type RoomConfig, type RoomConfigChanges } from "./muc.config.js";
import { MucOccupancy, type Occupant } from "./muc.occupancy.js";
import { destroyRoom } from "./muc.destroy.js";
import { mapLimit } from "../util/map-limit.js";
import { bareOf, domainOfJid, hasLocal, localOf, resourceOf } from "../xmpp/jid.js";

/** MongooseIM's default (and maximum) page of a room's archive. */
export const MAX_ROOM_ARCHIVE_PAGE = 50;
/** How many rooms' disco#info a listing asks for at once. */
export const ROOM_INFO_CONCURRENCY = 8;

/** MongooseIM's texts for a missing `reason`. */
export const DEFAULT_REASONS = {
  invite: "User invited through the user GraphQL API",
  kick: "User kicked through the user GraphQL API",
  destroy: "Room deleted through the user GraphQL API",
} as const;

/** Roles and affiliations as the API spells them. */
export type RoleName = "MODERATOR" | "PARTICIPANT" | "VISITOR";
export type AffiliationName = "OWNER" | "ADMIN" | "MEMBER" | "OUTCAST" | "NONE";

/** A room's summary (the GraphQL `MUCRoomDesc`). */
export interface RoomDesc {
  jid: string;
  title: string;
  private: boolean | null;
  usersNumber: number | null;
}

/** A page of rooms (the GraphQL `MUCRoomsPayload`). */
export interface RoomsPage {
  rooms: RoomDesc[];
  count: number | null;
  index: number | null;
  first: string | null;
  last: string | null;
}

/** An occupant (the GraphQL `MUCRoomUser`). */
export interface RoomUser {
  jid: string | null;
  nick: string;
  role: RoleName;
}

/** An affiliation list entry (the GraphQL `MUCRoomAffiliation`). */
export interface RoomAffiliation {
  jid: string;
  affiliation: AffiliationName;
}

/** Options every operation that waits on a room's presence takes. */
export interface MucOptions {
  /** How long to wait for a room to answer a presence (enter, exit). */
  timeoutMs?: number;
}

// ---------------------------------------------------------------------------------------
// Discovery

/**
 * One page of the rooms a MUC service lists (XEP-0045 §6.3). The page is asked for with
 * RSM (XEP-0059); a service that does not page (Prosody) returns every room, and the
 * gateway then sorts them by JID and cuts the page itself, reporting `first`/`last` as
 * room names like MongooseIM. Each room's title, visibility and occupant count come
 * from its disco#info, {@link ROOM_INFO_CONCURRENCY} at a time.
 * @throws ApiError `muc_server_not_found` when `mucDomain` is not a MUC service.
 */
export async function listRooms(session: XmppSession, mucDomain: string, limit?: number | null, index?: number | null): Promise<RoomsPage> {
  const context = { mucDomain };
  if (!(await isMucService(session, mucDomain, context))) throw mucServerNotFound(mucDomain);
  let reply: Element;
  try {
    reply = await session.iq(buildDiscoItemsGet(mucDomain, { max: limit, index }));
  } catch (error) {
    throw toApiError(error, {}, context);
  }
  let { items, rsm } = parseDiscoItems(reply);
  if (rsm && (index ?? 0) !== 0 && rsm.firstIndex !== index) {
    // ejabberd (23.01) pages by `after`/`before` only and answers the first page for an
    // `<index/>`: take the whole list instead and cut the page below, as for Prosody.
    try {
      ({ items } = parseDiscoItems(await session.iq(buildDiscoItemsGet(mucDomain))));
    } catch (error) {
      throw toApiError(error, {}, context);
    }
    rsm = null;
  }
  const rooms = items.filter((i) => hasLocal(i.jid) && resourceOf(i.jid) === undefined);
  let page: DiscoItem[];
  let count: number | null;
  let pageIndex: number;
  let first: string | null;
  let last: string | null;
  if (rsm) {
    page = rooms;
    count = rsm.count;
    pageIndex = rsm.firstIndex ?? index ?? 0;
    first = rsm.first;
    last = rsm.last;
  } else {
    const sorted = [...rooms].sort((a, b) => compare(a.jid.toLowerCase(), b.jid.toLowerCase()));
    pageIndex = index ?? 0;
    page = sorted.slice(pageIndex, limit != null ? pageIndex + limit : undefined);
    count = sorted.length;
    first = page.length ? localOf(page[0]!.jid) : null;
    last = page.length ? localOf(page[page.length - 1]!.jid) : null;
  }
  if (page.length === 0) return { rooms: [], count, index: null, first: null, last: null };
  const descs = await mapLimit(page, ROOM_INFO_CONCURRENCY, (item) => describeRoom(session, item));
  return { rooms: descs, count, index: pageIndex, first, last };
}

async function describeRoom(session: XmppSession, item: DiscoItem): Promise<RoomDesc> {
  const jid = item.jid.toLowerCase();
  try {
    const info = parseRoomInfo(await discoInfo(session, jid));
    return { jid, title: info.name ?? item.name ?? localOf(jid), private: info.hidden, usersNumber: info.occupants };
  } catch (error) {
    if (!(error instanceof StanzaError)) throw toApiError(error);
    // The room went away between the listing and its description: keep what the listing said.
    return { jid, title: item.name ?? localOf(jid), private: null, usersNumber: null };
  }
}

// ---------------------------------------------------------------------------------------
// Creating, entering and leaving

/**
 * Creates an instant room owned by the caller (XEP-0045 §10.1.2): the pooled session
 * enters it, accepts the default configuration (which unlocks it) and stays in it. A
 * service whose default hides new rooms is asked to make it public, as MongooseIM's
 * defaults do. An existing room the caller owns is returned as it is.
 * @returns the room's summary as the room reports it after creation.
 * @throws ApiError `could_not_create_room` with MongooseIM's three messages.
 */
export async function createInstantRoom(session: XmppSession, room: string, nick: string, options: MucOptions = {}): Promise<RoomDesc> {
  const context = { room };
  if (!(await isMucService(session, domainOfJid(room), context))) {
    throw new ApiError("could_not_create_room", MUC_MESSAGES.incorrectDomain, context);
  }
  const occupancy = MucOccupancy.of(session, options.timeoutMs);
  let entered: Awaited<ReturnType<MucOccupancy["enter"]>>;
  try {
    entered = await occupancy.enter(room, nick);
  } catch (error) {
    if (error instanceof StanzaError) throw new ApiError("could_not_create_room", MUC_MESSAGES.creationFailed, context);
    throw toApiError(error, {}, context);
  }
  if (entered.created) {
    try {
      await session.iq(buildInstantRoomSubmit(room));
    } catch (error) {
      await occupancy.leave(room).catch(() => false);
      if (error instanceof StanzaError) throw new ApiError("could_not_create_room", MUC_MESSAGES.couldNotUnlock, context);
      throw toApiError(error, {}, context);
    }
  } else if (entered.occupancy.self.affiliation !== "owner") {
    // The room already existed and is someone else's: do not stay in it uninvited.
    if (!entered.alreadyIn) await occupancy.leave(room).catch(() => false);
    throw new ApiError("could_not_create_room", MUC_MESSAGES.creationFailed, context);
  }
  let info = await roomInfoOrFail(session, room, context);
  if (entered.created && info.hidden === true) {
    await makePublic(session, room);
    info = await roomInfoOrFail(session, room, context);
  }
  return { jid: room, title: info.name ?? localOf(room), private: info.hidden ?? false, usersNumber: info.occupants };
}

async function makePublic(session: XmppSession, room: string): Promise<void> {
  try {
    const form = parseConfigForm(await session.iq(buildConfigFormGet(room)));
    if (form?.fields.has("muc#roomconfig_publicroom")) {
      await session.iq(buildConfigSubmit(room, { "muc#roomconfig_publicroom": ["1"] }));
    }
  } catch (error) {
    // A service that refuses public rooms keeps it hidden; the summary then says private.
    if (!(error instanceof StanzaError)) throw toApiError(error, {}, { room });
  }
}

/**
 * Enters a room through the caller's pooled session (XEP-0045 §7.2) and waits for the
 * room to admit it; the session then receives the room's traffic until it leaves or
 * closes. Entering a room that does not exist creates it, locked until its owner
 * configures it (§10.1.1), as on MongooseIM.
 * @throws ApiError `wrong_password`, `nick_conflict`, `not_allowed`, `room_not_found`,
 *         `muc_server_not_found`.
 */
export async function enterRoom(session: XmppSession, room: string, nick: string, password: string | null | undefined, options: MucOptions = {}): Promise<string> {
  const context = { room, nick };
  if (!(await isMucService(session, domainOfJid(room), { room }))) throw mucServerNotFound(domainOfJid(room), "room", room);
  try {
    await MucOccupancy.of(session, options.timeoutMs).enter(room, nick, password);
  } catch (error) {
    throw toApiError(error, MUC_ERRORS.join, context, MUC_CONTEXT);
  }
  return "Entering room message sent successfully";
}

/**
 * Leaves a room (XEP-0045 §7.14). The pooled session leaves wherever it is in the room
 * (rooms know occupants by their real JID); when it is not in the room, the unavailable
 * presence is still sent to `room/nick`, like MongooseIM's fire-and-forget exit.
 */
export async function exitRoom(session: XmppSession, room: string, nick: string, options: MucOptions = {}): Promise<string> {
  try {
    const left = await MucOccupancy.of(session, options.timeoutMs).leave(room);
    if (!left) await session.send(buildLeavePresence(room, nick));
  } catch (error) {
    throw toApiError(error, {}, { room });
  }
  return "Exiting room message sent successfully";
}

// ---------------------------------------------------------------------------------------
// Talking in a room

/**
 * Posts a groupchat message (XEP-0045 §7.4) from the pooled session. The room's refusal
 * is reported: the message is followed by a disco#info query to the room, which the
 * room answers after any bounce of the message.
 * @throws ApiError `not_in_room` when the session is not an occupant, `not_allowed`
 *         without voice, `room_not_found`.
 */
export async function sendMessageToRoom(session: XmppSession, room: string, body: string): Promise<string> {
  await sendThroughRoom(session, room, buildGroupchatMessage(room, body, newStanzaId()), MUC_ERRORS.groupchat, { room });
  return "Message sent successfully";
}

/**
 * Sends a private message to an occupant by nickname (XEP-0045 §7.5), checked like
 * {@link sendMessageToRoom}.
 * @throws ApiError `occupant_not_found` for an unknown nickname, `not_in_room`, `room_not_found`.
 */
export async function sendPrivateMessage(session: XmppSession, room: string, nick: string, body: string): Promise<string> {
  await sendThroughRoom(session, room, buildPrivateMessage(room, nick, body, newStanzaId()), MUC_ERRORS.privateMessage, { room, nick });
  return "Message sent successfully";
}

/**
 * Invites a user through the room (XEP-0045 §7.8.2 mediated invitation); the room
 * forwards it with the caller as inviter. ejabberd forwards invitations from occupants
 * only (Prosody from anyone allowed to invite).
 * @throws ApiError `room_not_found`, `not_allowed` when the room refuses the caller's
 *         invitation, `not_in_room` when it takes invitations from occupants only.
 */
export async function inviteUser(session: XmppSession, room: string, recipient: string, reason: string | null | undefined): Promise<string> {
  await sendThroughRoom(session, room, buildMediatedInvite(room, recipient, reason ?? DEFAULT_REASONS.invite, newStanzaId()), MUC_ERRORS.invite, { room });
  return "Invitation sent successfully";
}

// ---------------------------------------------------------------------------------------
// Moderation and affiliations

/**
 * Kicks an occupant (XEP-0045 §8.2: role `none`). Like MongooseIM it needs a moderator
 * occupant of the caller's in the room — here the pooled session, the only one the
 * gateway can act through — and waits for the room to confirm.
 * @throws ApiError `moderator_not_found`, `room_not_found`, `not_allowed`, `cannot_modify`.
 */
export async function kickUser(session: XmppSession, room: string, nick: string, reason: string | null | undefined, options: MucOptions = {}): Promise<string> {
  const occupancy = MucOccupancy.of(session, options.timeoutMs).get(room);
  if (!occupancy || occupancy.self.role !== "moderator") {
    if (!(await roomExists(session, room, { room }))) throw new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, { room });
    throw new ApiError("moderator_not_found", MUC_MESSAGES.moderatorNotFound, { room });
  }
  await changeRole(session, room, nick, "none", reason ?? DEFAULT_REASONS.kick);
  return "Kick message sent successfully";
}

/**
 * Changes an occupant's role (XEP-0045 §8.3–§8.6, §9.6–§9.7). The room decides on the
 * pooled session's own role and affiliation.
 * @throws ApiError `room_not_found`, `not_allowed`, `cannot_modify`.
 */
export async function setUserRole(session: XmppSession, room: string, nick: string, role: RoleName): Promise<string> {
  await changeRole(session, room, nick, role.toLowerCase() as MucRole, null);
  return "Role set successfully";
}

async function changeRole(session: XmppSession, room: string, nick: string, role: MucRole, reason: string | null): Promise<void> {
  try {
    await session.iq(buildRoleChange(room, nick, role, reason));
  } catch (error) {
    throw await roomAwareError(session, room, error, MUC_ERRORS.setRole, { room, nick, value: role });
  }
}

/**
 * Changes a user's affiliation (XEP-0045 §9.1–§9.4, §10.3–§10.7); a resource in `user` is dropped.
 * @throws ApiError `room_not_found`, `not_allowed`, `cannot_modify`.
 */
export async function setUserAffiliation(session: XmppSession, room: string, user: string, affiliation: AffiliationName): Promise<string> {
  const value = affiliation.toLowerCase() as MucAffiliation;
  const target = bareOf(user);
  try {
    await session.iq(buildAffiliationChange(room, target, value));
  } catch (error) {
    if (value !== "owner" && target === session.bareJid && (await isSoleOwner(session, room, error))) {
      throw lastOwner(room);
    }
    throw toApiError(error, MUC_ERRORS.setAffiliation, { room, value }, MUC_CONTEXT);
  }
  return "Affiliation set successfully";
}

/**
 * Whether a refused change of the caller's own affiliation was refused because the caller
 * is the room's only owner. Prosody says so (`conflict`); ejabberd answers `not-allowed`,
 * as for any refusal, so the owner list tells.
 */
async function isSoleOwner(session: XmppSession, room: string, error: unknown): Promise<boolean> {
  if (!(error instanceof StanzaError) || (error.condition !== "not-allowed" && error.condition !== "forbidden")) return false;
  try {
    const owners = parseAdminItems(await session.iq(buildAdminListGet(room, { affiliation: "owner" })));
    return owners.length === 1 && owners[0]!.jid !== null && bareOf(owners[0]!.jid) === session.bareJid;
  } catch {
    return false;
  }
}

/**
 * Occupants of a room. From the room's own presence when the pooled session is in it;
 * otherwise through muc#admin role lists (XEP-0045 §8.5, §9.8), which Prosody gives to
 * owners and admins even when not present. ejabberd gives them only to moderators in
 * the room (its disco#items lists nicknames, without roles): an owner or admin outside
 * gets `not_in_room` there.
 * @throws ApiError `not_allowed` when the caller may not read the room, `not_in_room`,
 *         `room_not_found`.
 */
export async function listRoomUsers(session: XmppSession, room: string, options: MucOptions = {}): Promise<RoomUser[]> {
  const occupancy = MucOccupancy.of(session, options.timeoutMs).get(room);
  if (occupancy) {
    // A room always shows us our own JID; when it hides the others', hide ours too, so that
    // the list is all-or-nothing like MongooseIM's.
    const othersHidden = occupancy.occupants.some((o) => o.nick !== occupancy.nick && o.jid === null);
    return occupancy.occupants.flatMap((o) => toRoomUser(othersHidden && o.nick === occupancy.nick ? { ...o, jid: null } : o));
  }
  const roles: MucRole[] = ["moderator", "participant", "visitor"];
  let replies: Element[];
  try {
    replies = await Promise.all(roles.map((role) => session.iq(buildAdminListGet(room, { role }))));
  } catch (error) {
    if (isRefusal(error) && (await isOwnerOrAdmin(session, room))) throw occupantsOnlyInside(room);
    throw toApiError(error, MUC_ERRORS.readRoom, { room }, MUC_CONTEXT);
  }
  const users = replies.flatMap((reply, i) =>
    parseAdminItems(reply).flatMap((item) =>
      item.nick ? toRoomUser({ nick: item.nick, role: item.role ?? roles[i]!, affiliation: item.affiliation ?? "none", jid: item.jid }) : [],
    ),
  );
  return users.sort((a, b) => compare(a.nick, b.nick));
}

function isRefusal(error: unknown): boolean {
  return error instanceof StanzaError && (error.condition === "forbidden" || error.condition === "not-allowed");
}

/** Whether the caller is on the room's owner or admin list (rooms give these lists to owners and admins). */
async function isOwnerOrAdmin(session: XmppSession, room: string): Promise<boolean> {
  try {
    const lists = await Promise.all((["owner", "admin"] as const).map((affiliation) => session.iq(buildAdminListGet(room, { affiliation }))));
    return lists.some((reply) => parseAdminItems(reply).some((item) => item.jid !== null && bareOf(item.jid) === session.bareJid));
  } catch {
    return false;
  }
}

/**
 * The room's affiliation lists (XEP-0045 §9.5, §10.5), one kind or all four. Rooms give
 * them to admins and owners (Prosody: also to members of members-only non-anonymous rooms).
 * @throws ApiError `not_allowed`, `room_not_found`.
 */
export async function listRoomAffiliations(session: XmppSession, room: string, affiliation?: AffiliationName | null): Promise<RoomAffiliation[]> {
  const context = { room };
  if (affiliation === "NONE") {
    // Nobody is listed as "none"; the room must still exist.
    if (!(await roomExists(session, room, context))) throw new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, context);
    return [];
  }
  const kinds: MucAffiliation[] = affiliation ? [affiliation.toLowerCase() as MucAffiliation] : ["owner", "admin", "member", "outcast"];
  let replies: Element[];
  try {
    replies = await Promise.all(kinds.map((kind) => session.iq(buildAdminListGet(room, { affiliation: kind }))));
  } catch (error) {
    throw toApiError(error, MUC_ERRORS.readRoom, context, MUC_CONTEXT);
  }
  return replies.flatMap((reply, i) =>
    parseAdminItems(reply).flatMap((item) =>
      item.jid ? [{ jid: bareOf(item.jid), affiliation: (item.affiliation ?? kinds[i]!).toUpperCase() as AffiliationName }] : [],
    ),
  );
}

// ---------------------------------------------------------------------------------------
// Owner use cases

/**
 * Destroys a room (XEP-0045 §10.9); its occupants get `reason`.
 * @throws ApiError `not_allowed` when the caller is not an owner, `room_not_found`.
 */
export async function deleteRoom(session: XmppSession, room: string, reason: string | null | undefined): Promise<string> {
  // ejabberd answers a muc#owner request to a missing room by creating the room (so that
  // MUC/Sub clients can create rooms by IQ): destroying it would then "succeed".
  if (!(await roomExists(session, room, { room }))) throw new ApiError("room_not_found", MUC_MESSAGES.deleteNonexistent, { room });
  try {
    await destroyRoom(session, room, reason ?? DEFAULT_REASONS.destroy);
  } catch (error) {
    throw toApiError(error, MUC_ERRORS.deleteRoom, { room }, MUC_CONTEXT);
  }
  return "Room deleted successfully";
}

/**
 * The room's configuration, from its owner form and its disco#info (see muc.config.ts).
 * @throws ApiError `not_allowed` when the caller is not an owner, `room_not_found`.
 */
export async function getRoomConfig(session: XmppSession, room: string): Promise<RoomConfig> {
  const { form, info } = await readConfigSources(session, room, MUC_ERRORS.getRoomConfig);
  return readRoomConfig(form, info).config;
}

/**
 * Changes the settings given in `changes` by submitting the owner form (XEP-0045 §10.2)
 * and returns the configuration the room reports afterwards. A setting the server's
 * form cannot carry is refused before anything is sent; a setting the room accepted
 * but did not apply is reported after.
 * @throws ApiError `not_allowed`, `room_not_found`, `config_field_not_supported`, `cannot_modify`.
 */
export async function changeRoomConfiguration(session: XmppSession, room: string, changes: RoomConfigChanges): Promise<RoomConfig> {
  const before = await readConfigSources(session, room, MUC_ERRORS.changeRoomConfig);
  const plan = planConfigChange(before.form, readRoomConfig(before.form, before.info).config, changes);
  if (plan.unsupported.length > 0) throw unsupportedConfig(room, plan.unsupported);
  if (Object.keys(plan.values).length > 0) {
    try {
      await session.iq(buildConfigSubmit(room, plan.values));
    } catch (error) {
      throw toApiError(error, MUC_ERRORS.changeRoomConfig, { room }, MUC_CONTEXT);
    }
  }
  const after = await readConfigSources(session, room, MUC_ERRORS.changeRoomConfig);
  const config = readRoomConfig(after.form, after.info).config;
  const unapplied = unappliedChanges(config, changes);
  if (unapplied.length > 0) throw configNotApplied(room, unapplied);
  return config;
}

/**
 * The owner form and disco#info of a room. The disco#info comes first: ejabberd answers a
 * muc#owner request to a missing room by creating it, owned by the caller, with the
 * default form (see {@link deleteRoom}).
 */
async function readConfigSources(session: XmppSession, room: string, table: ConditionMapping): Promise<{ form: DataForm; info: RoomInfo | null }> {
  let info: RoomInfo | null = null;
  try {
    info = parseRoomInfo(await discoInfo(session, room));
  } catch (error) {
    if (!(error instanceof StanzaError)) throw toApiError(error, {}, { room });
    if (error.condition === "item-not-found" || error.condition === "gone") throw new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, { room });
    // Any other refusal of disco#info: the form alone says what it can.
  }
  let form: DataForm | null;
  try {
    form = parseConfigForm(await session.iq(buildConfigFormGet(room)));
  } catch (error) {
    throw toApiError(error, table, { room }, MUC_CONTEXT);
  }
  if (!form) throw new ApiError("internal", "The room answered without a configuration form", { room });
  return { form, info };
}

// ---------------------------------------------------------------------------------------
// The room's archive

/**
 * The room's newest archived messages (XEP-0313 addressed to the room), oldest first,
 * optionally only before an instant; `pageSize` is capped at {@link MAX_ROOM_ARCHIVE_PAGE}.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_allowed`, `internal`.
 */
export async function getRoomMessages(
  session: XmppSession, room: string, pageSize?: number | null, before?: Date | null,
): Promise<{ stanzas: StanzaRecord[]; limit: number }> {
  const context = { room };
  const limit = Math.min(pageSize ?? MAX_ROOM_ARCHIVE_PAGE, MAX_ROOM_ARCHIVE_PAGE);
  if (!(await isMucService(session, domainOfJid(room), context))) throw mucServerNotFound(domainOfJid(room), "room", room);
  const page = await orApiError(queryArchive(session, { to: room, before, max: limit }), MUC_ERRORS.roomArchive, context, MUC_CONTEXT);
  return { stanzas: page.records, limit };
}

// ---------------------------------------------------------------------------------------
// Helpers

/**
 * disco#info of a domain that may be a MUC service. MUC and MUC Light ask it the same
 * question, so an answer that describes a MUC service is remembered for the session
 * (only the first request per domain asks); any other answer is asked again next time.
 * @throws StanzaError and the session's errors.
 */
export function mucServiceInfo(session: XmppSession, domain: string): Promise<DiscoInfo> {
  return session.memo.remember(`muc-service:${domain}`, () => discoInfo(session, domain), isMucEntity);
}

/**
 * Whether `domain` is a MUC service (XEP-0045 §6.1); any refusal of disco#info means no.
 * @throws ApiError `timeout`/`xmpp_unavailable` when the question cannot be asked.
 */
export async function isMucService(session: XmppSession, domain: string, context: Record<string, unknown>): Promise<boolean> {
  try {
    return isMucEntity(await mucServiceInfo(session, domain));
  } catch (error) {
    if (error instanceof StanzaError) return false;
    throw toApiError(error, {}, context);
  }
}

/**
 * Whether the room exists: its disco#info answers (XEP-0045 §6.4) rather than `item-not-found`/`gone`.
 * @throws ApiError `timeout`/`xmpp_unavailable`, or the generic code of another refusal.
 */
export async function roomExists(session: XmppSession, room: string, context: Record<string, unknown>): Promise<boolean> {
  try {
    await discoInfo(session, room);
    return true;
  } catch (error) {
    if (error instanceof StanzaError && (error.condition === "item-not-found" || error.condition === "gone")) return false;
    throw toApiError(error, {}, context);
  }
}

async function roomInfoOrFail(session: XmppSession, room: string, context: Record<string, unknown>): Promise<RoomInfo> {
  try {
    return parseRoomInfo(await discoInfo(session, room));
  } catch (error) {
    throw toApiError(error, { "item-not-found": { code: "could_not_create_room", message: MUC_MESSAGES.creationFailed } }, context, MUC_CONTEXT);
  }
}

/**
 * Rooms answer `item-not-found` both for a missing room and a missing nick; the room's
 * disco#info tells them apart.
 */
async function roomAwareError(session: XmppSession, room: string, error: unknown, table: ConditionMapping, context: Record<string, unknown>): Promise<ApiError> {
  if (error instanceof StanzaError && error.condition === "item-not-found" && !(await roomExists(session, room, { room }))) {
    return new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, { room });
  }
  return toApiError(error, table, context, MUC_CONTEXT);
}

/**
 * Sends a message to a room and learns whether the room refused it: a disco#info query
 * follows the message, and a room processes a sender's stanzas in order, so a bounce
 * (XEP-0045 §7.4, §7.5, §7.8.2 errors) arrives before the query's answer.
 * @throws ApiError `room_not_found` when the room does not exist; a bounce through `table`.
 */
export async function sendThroughRoom(session: XmppSession, room: string, message: Element, table: ConditionMapping, context: Record<string, unknown>): Promise<void> {
  const id = message.attrs.id;
  const bounced: { error: StanzaError | null } = { error: null };
  const stop = session.onStanza((stanza) => {
    if (stanza.attrs.id !== id || splitOccupantJid(stanza.attrs.from ?? "").room !== room) return;
    bounced.error ??= parseMessageError(stanza);
  });
  try {
    await session.send(message);
    await discoInfo(session, room);
  } catch (error) {
    if (error instanceof StanzaError && (error.condition === "item-not-found" || error.condition === "gone")) {
      throw new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, { room });
    }
    throw toApiError(error, {}, { room });
  } finally {
    stop();
  }
  if (bounced.error) throw toApiError(bounced.error, table, context, MUC_CONTEXT);
}

function toRoomUser(occupant: Occupant): RoomUser[] {
  if (occupant.role === "none") return [];
  return [{ jid: occupant.jid, nick: occupant.nick, role: occupant.role.toUpperCase() as RoleName }];
}


function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

