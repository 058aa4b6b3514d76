import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { MUC_ERRORS, MUC_MESSAGES, lastOwner, occupantsOnlyInside, MUC_CONTEXT } from "./muc.errors.js";
import {
  buildAdminListGet, buildAffiliationChange, buildRoleChange, parseAdminItems, type MucAffiliation, type MucRole,
} from "./muc.stanzas.js";
import { MucOccupancy, type Occupant } from "./muc.occupancy.js";
import { bareOf } from "../xmpp/jid.js";
import {
  DEFAULT_REASONS, compare, type RoleName, type AffiliationName, type RoomUser, type RoomAffiliation, type MucOptions,
} from "./muc.model.js";
import { roomExists } from "./muc.discovery.js";
import { roomAwareError } from "./muc.talk.js";

/*
 * Moderation (XEP-0045 §8) and affiliations (§9, §10.3–§10.7): roles, affiliations and
 * the lists of occupants and affiliated users.
 */

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
  const replies: Element[] = await orApiError(
    Promise.all(kinds.map((kind) => session.iq(buildAdminListGet(room, { affiliation: kind })))), MUC_ERRORS.readRoom, context, MUC_CONTEXT,
  );
  return replies.flatMap((reply, i) =>
    parseAdminItems(reply).flatMap((item) =>
      item.jid ? [{ jid: bareOf(item.jid), affiliation: (item.affiliation ?? kinds[i]!).toUpperCase() as AffiliationName }] : [],
    ),
  );
}

function toRoomUser(occupant: Occupant): RoomUser[] {
  if (occupant.role === "none") return [];
  return [{ jid: occupant.jid, nick: occupant.nick, role: occupant.role.toUpperCase() as RoleName }];
}
