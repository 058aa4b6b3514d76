import { randomBytes } from "node:crypto";
import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { MUC_ERRORS, MUC_CONTEXT } from "../muc/muc.errors.js";
import {
  MUC_LIGHT_ERRORS, MUC_LIGHT_MESSAGES, isRoomMissing, mucLightServerNotFound,
  notAllowed, notRoomMember, roomAlreadyExists,
} from "./muc-light.errors.js";
import { newStanzaId, type StanzaRecord } from "../xmpp/messages.js";
import {
  NS_MUC, buildAdminListGet, buildAffiliationChange, buildConfigFormGet, buildConfigSubmit, buildDestroyRoom,
  buildGroupchatMessage, buildSubjectMessage, parseAdminItems, parseConfigForm, parseRoomInfo,
  type MucAffiliation,
} from "../muc/muc.stanzas.js";
import { buildDiscoInfoGet, parseDiscoInfo } from "../xmpp/disco.js";
import { getRoomMessages as getMucRoomMessages, mucServiceInfo, sendThroughRoom } from "../muc/muc.api.js";
import { destroyRoom } from "../muc/muc.destroy.js";
import { MucOccupancy } from "../muc/muc.occupancy.js";
import {
  DEFAULT_ROOM_NAME, DEFAULT_SUBJECT, REQUIRED_FIELDS, ROOMNAME_KEY, SUBJECT_KEY, applyChanges,
  creationConfig, decodeDescription, encodeDescription, fullRoom, givenRoom, isLightDescription,
  participantsFrom, toConfigMap, withAffiliation, type LightRoom, type Participant, type StoredConfig,
} from "./muc-light.mapping.js";
import { buildInvitation } from "./muc-light.stanzas.js";
import { buildUnregister } from "../xmpp/register.js";
import { forgetRoom, rememberRoom, scanInvitations, updateRoomList } from "./muc-light.rooms.js";
import { mapLimit } from "../util/map-limit.js";
import { bareOf, domainOfJid } from "../xmpp/jid.js";
import { buildRoomAvatarSet, iconUri, takesRoomAvatar, type RoomIcon } from "../xmpp/room-avatar.js";

/*
 * MongooseIM's MUC Light operations on XEP-0045 rooms (see muc-light.mapping.ts for the
 * mapping). Each operation checks, in MongooseIM's order, the service, the room, the
 * caller's membership and then its permission, before it changes anything.
 */

/** How many rooms `listRooms` checks at once. */
export const MEMBERSHIP_CONCURRENCY = 8;

export interface MucLightOptions {
  /** How long to wait for a room to answer a presence (entering it to post). */
  timeoutMs?: number;
}

type Options = ReadonlyArray<{ key: string; value: string }> | null | undefined;

// ---------------------------------------------------------------------------------------
// Checks

/**
 * Whether `domain` is an XEP-0045 service: its disco#info lists the MUC feature. A
 * MongooseIM MUC Light service (urn:xmpp:muclight:0 only) does not count: the gateway
 * always maps onto XEP-0045.
 */
async function requireService(session: XmppSession, domain: string, context: Record<string, unknown>): Promise<void> {
  let ok = false;
  try {
    ok = (await mucServiceInfo(session, domain)).features.has(NS_MUC);
  } catch (error) {
    if (!(error instanceof StanzaError)) throw toApiError(error, {}, context);
  }
  if (!ok) throw mucLightServerNotFound(context);
}

/**
 * The room's participants from its affiliation lists (XEP-0045 §9.5, §10.5): members
 * of a members-only, non-anonymous room may read them; others are refused.
 * @throws ApiError `room_not_found`, `not_room_member`.
 */
async function readParticipants(session: XmppSession, room: string, context: Record<string, unknown>): Promise<Participant[]> {
  const kinds: MucAffiliation[] = ["owner", "admin", "member"];
  const replies = await orApiError(
    Promise.all(kinds.map((affiliation) => session.iq(buildAdminListGet(room, { affiliation })))), MUC_LIGHT_ERRORS.membership, context,
  );
  return participantsFrom(replies.flatMap((reply, i) => withAffiliation(parseAdminItems(reply), kinds[i]!)));
}

interface Membership {
  participants: Participant[];
  own: Participant["affiliation"];
}

/**
 * MongooseIM's checks up to membership: service → room → the caller's affiliation.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`.
 */
async function membership(session: XmppSession, room: string, context: Record<string, unknown>): Promise<Membership> {
  await requireService(session, domainOfJid(room), context);
  const participants = await readParticipants(session, room, context);
  const own = participants.find((p) => p.jid === session.bareJid);
  if (!own) throw notRoomMember(context);
  return { participants, own: own.affiliation };
}

/** The name, stored configuration and features, read from the room's disco#info (any participant may). */
async function readConfig(
  session: XmppSession, room: string, context: Record<string, unknown>,
): Promise<{ name: string; stored: StoredConfig; features: ReadonlySet<string> }> {
  const info = parseRoomInfo(parseDiscoInfo(await orApiError(session.iq(buildDiscoInfoGet(room)), MUC_LIGHT_ERRORS.membership, context)));
  const description = info.extended?.fields.get("muc#roominfo_description")?.values[0] ?? null;
  return { name: info.name ?? "", stored: decodeDescription(description), features: info.features };
}

// ---------------------------------------------------------------------------------------
// Operations

/**
 * Creates a room owned by the caller: the pooled session creates it (XEP-0045 §10.1),
 * submits the MUC Light configuration (which unlocks it), sets the subject and stays in
 * it; the room is added to the caller's room list. `id` omitted: a random name.
 * @returns the room with only the given options plus `roomname`/`subject` when given.
 * @throws ApiError `muc_server_not_found`, `already_exists`.
 */
export async function createRoom(
  session: XmppSession, mucDomain: string, name: string | null | undefined, subject: string | null | undefined,
  id: string | null | undefined, options: Options, opts: MucLightOptions = {},
): Promise<LightRoom> {
  const context = { mucDomain, id: id ?? null };
  await requireService(session, mucDomain, context);
  const room = `${id ?? generatedId()}@${mucDomain}`.toLowerCase();
  const given = toConfigMap(name, subject, options);
  const stored = applyChanges({ subject: DEFAULT_SUBJECT, options: new Map() }, given);
  const occupancy = MucOccupancy.of(session, opts.timeoutMs);
  try {
    await session.iq(buildDiscoInfoGet(room));
    throw roomAlreadyExists(context);
  } catch (error) {
    if (!isRoomMissing(error)) throw error instanceof ApiError ? error : toApiError(error, {}, context);
  }
  let entered: Awaited<ReturnType<MucOccupancy["enter"]>>;
  try {
    entered = await occupancy.enter(room, nickOf(session));
  } catch (error) {
    // Someone else created it in between and it is members-only, or the service refuses us.
    if (error instanceof StanzaError && (error.condition === "registration-required" || error.condition === "conflict")) {
      throw roomAlreadyExists(context);
    }
    throw toApiError(error, MUC_ERRORS.join, context, MUC_CONTEXT);
  }
  if (!entered.created) {
    if (!entered.alreadyIn) await occupancy.leave(room).catch(() => false);
    throw roomAlreadyExists(context);
  }
  try {
    const form = parseConfigForm(await session.iq(buildConfigFormGet(room)));
    const offered = new Set(form?.fields.keys() ?? []);
    const missing = REQUIRED_FIELDS.filter((f) => !offered.has(f));
    if (missing.length > 0) {
      throw new ApiError("internal", `The MUC service cannot make MUC Light rooms (its form lacks ${missing.join(", ")})`, context);
    }
    await session.iq(buildConfigSubmit(room, creationConfig(offered, given.get(ROOMNAME_KEY) ?? DEFAULT_ROOM_NAME, encodeDescription(stored))));
    if (stored.subject !== "") await setSubject(session, room, stored.subject, context);
  } catch (error) {
    // Do not leave a half-made room behind, locked or not.
    await session.iq(buildDestroyRoom(room, "MUC Light room creation failed")).catch(() => undefined);
    throw error instanceof ApiError ? error : toApiError(error, {}, context);
  }
  await rememberRoom(session, room);
  return givenRoom(room, given, [{ jid: session.bareJid, affiliation: "OWNER" }]);
}

/**
 * The room's name, subject, participants and every option.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`.
 */
export async function getRoomConfig(session: XmppSession, room: string): Promise<LightRoom> {
  const context = { room };
  const { participants } = await membership(session, room, context);
  const { name, stored } = await readConfig(session, room, context);
  return fullRoom(room, name, stored, participants);
}

/**
 * The room's participants with their affiliations.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`.
 */
export async function listRoomUsers(session: XmppSession, room: string): Promise<Participant[]> {
  return (await membership(session, room, { room })).participants;
}

/**
 * Changes the name (muc#roomconfig_roomname), subject (room subject and description)
 * and options (description) the caller gives; owners only.
 * @returns like MongooseIM: the given keys only (`name`/`subject` null unless given), with the participants.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`, `not_allowed`.
 */
export async function changeRoomConfiguration(
  session: XmppSession, room: string, name: string | null | undefined, subject: string | null | undefined, options: Options,
  opts: MucLightOptions = {},
): Promise<LightRoom> {
  const context = { room };
  const { participants, own } = await membership(session, room, context);
  if (own !== "OWNER") throw notAllowed(MUC_LIGHT_MESSAGES.cannotChangeConfig, context);
  const given = toConfigMap(name, subject, options);
  const current = await readConfig(session, room, context);
  const next = applyChanges(current.stored, given);
  const values: Record<string, string[]> = { "muc#roomconfig_roomdesc": [encodeDescription(next)] };
  const newName = given.get(ROOMNAME_KEY);
  if (newName !== undefined) values["muc#roomconfig_roomname"] = [newName];
  await orApiError(session.iq(buildConfigSubmit(room, values)), MUC_LIGHT_ERRORS.changeConfig, context);
  if (given.has(SUBJECT_KEY) && next.subject !== current.stored.subject) {
    await enterAsMember(session, room, context, opts);
    await setSubject(session, room, next.subject, context);
  }
  return givenRoom(room, given, participants);
}

/**
 * Sets the room's icon, or removes it (`null`); owners only, like the configuration. Rooms
 * that take a vCard (XEP-0486: ejabberd) get it as their PHOTO, and tell their occupants
 * (status 104, and presence with a vcard-temp:x:update hash); elsewhere (Prosody) it is
 * kept as a `data:` URI in the description beside the options, and the configuration
 * change is told with status 104.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`, `not_allowed`.
 */
export async function changeRoomIcon(session: XmppSession, room: string, icon: RoomIcon | null): Promise<void> {
  const context = { room };
  const { own } = await membership(session, room, context);
  if (own !== "OWNER") throw notAllowed(MUC_LIGHT_MESSAGES.cannotChangeConfig, context);
  const current = await readConfig(session, room, context);
  const change = takesRoomAvatar(current.features)
    ? buildRoomAvatarSet(room, icon)
    : buildConfigSubmit(room, { "muc#roomconfig_roomdesc": [encodeDescription({ ...current.stored, icon: icon && iconUri(icon) })] });
  await orApiError(session.iq(change), MUC_LIGHT_ERRORS.changeConfig, context);
}

/**
 * Makes `recipient` a member and tells it the way an XMPP client learns of it: a
 * mediated invitation (XEP-0045 §7.8.2) with a body, which the recipient's server
 * delivers (or keeps offline) and archives. An owner sets the affiliation itself
 * (§10.3); a member's invitation makes the members-only room grant membership (Prosody,
 * ejabberd), which is then checked. The pooled session enters the room first when it is
 * not in it, as for a message: ejabberd forwards invitations from occupants only.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`, `not_allowed`.
 */
export async function inviteUser(session: XmppSession, room: string, recipient: string, opts: MucLightOptions = {}): Promise<string> {
  const context = { room, recipient };
  const invitee = bareOf(recipient);
  const { participants, own } = await membership(session, room, context);
  const already = participants.some((p) => p.jid === invitee);
  if (own === "OWNER" && !already) {
    await orApiError(session.iq(buildAffiliationChange(room, invitee, "member", `Invited by ${session.bareJid}`)), MUC_LIGHT_ERRORS.invite, context);
  }
  await sendInvitation(session, room, invitee, context, opts);
  if (own !== "OWNER" && !already) {
    const after = await readParticipants(session, room, context);
    if (!after.some((p) => p.jid === invitee)) throw notAllowed(MUC_LIGHT_MESSAGES.cannotInvite, context);
  }
  return MUC_LIGHT_MESSAGES.invited;
}

/**
 * Makes each of `invitees` a member of a room the caller owns (XEP-0045 §10.3) without
 * telling them yet: `chat.startChat` grants every membership before anyone is told, so
 * that a refusal leaves nobody invited to a room that is then destroyed.
 * @throws ApiError `room_not_found`, `not_allowed`, and the generic codes, with `invitee`.
 */
export async function addMembers(session: XmppSession, room: string, invitees: readonly string[]): Promise<void> {
  await mapLimit(invitees, MEMBERSHIP_CONCURRENCY, async (invitee) => {
    const context = { room, invitee };
    await orApiError(session.iq(buildAffiliationChange(room, invitee, "member", `Invited by ${session.bareJid}`)), MUC_LIGHT_ERRORS.invite, context);
  });
}

/**
 * Tells members of the room about it as {@link inviteUser} does (a mediated invitation
 * with a body), in order.
 * @throws ApiError `room_not_found`, `not_room_member`, `not_allowed`, with `invitee`.
 */
export async function announceMembers(session: XmppSession, room: string, invitees: readonly string[], opts: MucLightOptions = {}): Promise<void> {
  for (const invitee of invitees) await sendInvitation(session, room, invitee, { room, invitee }, opts);
}

/**
 * Removes `user` (the caller when omitted) from the room. Owners remove anyone
 * (affiliation `none`, XEP-0045 §10.4); a member removes only itself, by cancelling its
 * registration with the room (§7.10, XEP-0077). An owner leaving hands ownership to a
 * member like MUC Light does, or destroys the room when nobody is left.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`, `not_allowed`
 *         (also when the server offers members no way to leave: ejabberd has no §7.10
 *         registration in rooms and lets only owners and admins change affiliations).
 */
export async function kickUser(session: XmppSession, room: string, user: string | null | undefined): Promise<string> {
  const target = bareOf(user ?? session.bareJid);
  const context = { user: user ?? session.bareJid };
  const { participants, own } = await membership(session, room, context);
  const self = target === session.bareJid;
  if (own !== "OWNER" && !self) throw notAllowed(MUC_LIGHT_MESSAGES.cannotChangeAffiliations, context);
  const change = (stanza: Element) => orApiError(session.iq(stanza), MUC_LIGHT_ERRORS.changeAffiliations, context);
  if (!self) {
    await change(buildAffiliationChange(room, target, "none"));
  } else if (own === "MEMBER") {
    await orApiError(session.iq(buildUnregister(room)), MUC_LIGHT_ERRORS.leave, context);
    await forgetRoom(session, room);
  } else {
    const others = participants.filter((p) => p.jid !== session.bareJid);
    if (others.length === 0) {
      await orApiError(destroyRoom(session, room, "The last member left"), MUC_LIGHT_ERRORS.changeAffiliations, context);
    } else {
      if (!others.some((p) => p.affiliation === "OWNER")) await change(buildAffiliationChange(room, others[0]!.jid, "owner"));
      await change(buildAffiliationChange(room, session.bareJid, "none"));
    }
    await forgetRoom(session, room);
  }
  return MUC_LIGHT_MESSAGES.affiliationChanged;
}

/**
 * Destroys the room (XEP-0045 §10.9); owners only.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`, `not_allowed`.
 */
export async function deleteRoom(session: XmppSession, room: string): Promise<string> {
  const context = { room };
  const { own } = await membership(session, room, context);
  if (own !== "OWNER") throw notAllowed(MUC_LIGHT_MESSAGES.cannotDelete, context);
  await orApiError(destroyRoom(session, room, "Room deleted through the user GraphQL API"), MUC_LIGHT_ERRORS.deleteRoom, context);
  await forgetRoom(session, room);
  return MUC_LIGHT_MESSAGES.deleted;
}

/**
 * Posts a groupchat message (XEP-0045 §7.4). The pooled session enters the room first
 * when it is not in it (as `<caller's bare JID>`, the way MUC Light names senders).
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`.
 */
export async function sendMessageToRoom(session: XmppSession, room: string, body: string, opts: MucLightOptions = {}): Promise<string> {
  const context = { room };
  await membership(session, room, context);
  await enterAsMember(session, room, context, opts);
  await sendThroughRoom(session, room, buildGroupchatMessage(room, body, newStanzaId()), MUC_ERRORS.groupchat, context);
  return MUC_LIGHT_MESSAGES.messageSent;
}

/**
 * The room's newest archived messages (XEP-0313 addressed to the room), page capped at 50.
 * @throws ApiError `muc_server_not_found`, `room_not_found`, `not_room_member`, `internal`.
 */
export async function getRoomMessages(
  session: XmppSession, room: string, pageSize?: number | null, before?: Date | null,
): Promise<{ stanzas: StanzaRecord[]; limit: number }> {
  await membership(session, room, { room });
  return getMucRoomMessages(session, room, pageSize, before);
}

/**
 * Every room the caller is a participant of. Known rooms come from the caller's record
 * in private storage, plus the rooms of invitations archived since the last scan; each
 * is then confirmed with the room itself, {@link MEMBERSHIP_CONCURRENCY} at a time, and
 * rooms the caller left (or that are gone) are dropped from the record.
 * @throws ApiError when private storage or the archive cannot be read.
 */
export async function listRooms(session: XmppSession): Promise<string[]> {
  return updateRoomList(session, async (list) => {
    const scan = await scanInvitations(session, list.scanned);
    const candidates = [...new Set([...list.rooms, ...scan.rooms])];
    const confirmed = await mapLimit(candidates, MEMBERSHIP_CONCURRENCY, (room) => isParticipant(session, room));
    const rooms = new Set(candidates.filter((_, i) => confirmed[i]));
    return { list: { rooms, scanned: scan.scanned }, result: [...rooms].sort() };
  });
}

async function isParticipant(session: XmppSession, room: string): Promise<boolean> {
  try {
    return (await readParticipants(session, room, { room })).some((p) => p.jid === session.bareJid);
  } catch (error) {
    if (error instanceof ApiError && (error.code === "room_not_found" || error.code === "not_room_member")) return false;
    // A service that is gone or refuses us altogether: the caller is in no room there.
    if (error instanceof ApiError && (error.code === "deps_not_loaded" || error.code === "remote_server_not_found")) return false;
    throw error;
  }
}

/**
 * Makes the pooled session an occupant of MUC Light rooms the caller is a member of, so
 * that their messages reach the caller's live streams the way a MongooseIM MUC Light
 * member receives them without entering: `rooms` (e.g. the room of an invitation) when
 * given, else every room of the caller's record. A room that is no MUC Light room, or
 * that refuses the caller, is skipped: this is best effort and never throws.
 */
export async function followRooms(session: XmppSession, rooms?: readonly string[]): Promise<void> {
  try {
    const candidates = rooms ?? (await updateRoomList(session, async (list) => ({ list, result: [...list.rooms] })));
    await mapLimit(candidates, MEMBERSHIP_CONCURRENCY, async (room) => {
      if (MucOccupancy.of(session).get(room)) return;
      try {
        const info = parseRoomInfo(parseDiscoInfo(await session.iq(buildDiscoInfoGet(room))));
        if (isLightDescription(info.extended?.fields.get("muc#roominfo_description")?.values[0])) await enterAsMember(session, room, { room }, {});
      } catch {
        // Gone, not a member, or no answer: the next stream or invitation tries again.
      }
    });
  } catch {
    // No record, or the session closed: nothing to follow now.
  }
}

// ---------------------------------------------------------------------------------------
// Helpers

/** The nickname the gateway's session uses in MUC Light rooms: the caller's bare JID, as MUC Light names senders. */
function nickOf(session: XmppSession): string {
  return session.bareJid;
}

async function enterAsMember(session: XmppSession, room: string, context: Record<string, unknown>, opts: MucLightOptions): Promise<void> {
  const occupancy = MucOccupancy.of(session, opts.timeoutMs);
  if (occupancy.get(room)) return;
  await orApiError(occupancy.enter(room, nickOf(session)), MUC_LIGHT_ERRORS.enter, context, MUC_CONTEXT);
}

async function sendInvitation(session: XmppSession, room: string, invitee: string, context: Record<string, unknown>, opts: MucLightOptions): Promise<void> {
  await enterAsMember(session, room, context, opts);
  await sendThroughRoom(session, room, buildInvitation(room, invitee, session.bareJid, newStanzaId()), MUC_ERRORS.invite, context);
}

async function setSubject(session: XmppSession, room: string, subject: string, context: Record<string, unknown>): Promise<void> {
  await sendThroughRoom(session, room, buildSubjectMessage(room, subject, newStanzaId()), MUC_ERRORS.groupchat, context);
}

/** MUC Light generates room names; ours are time-ordered and random. */
function generatedId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString("hex")}`;
}


