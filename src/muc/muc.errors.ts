import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping, MapOptions } from "../errors/map-error.js";

/*
 * MUC (XEP-0045) refusals in MongooseIM's codes and words (the "muc" section of
 * mongooseim-error-codes.md), plus the gateway's own codes for what MongooseIM cannot
 * fail at because it never waits for the room's answer (entering, posting, config
 * fields a server does not offer).
 */

/** MongooseIM's exact messages. */
export const MUC_MESSAGES = {
  roomNotFound: "Room not found",
  deleteNonexistent: "Cannot remove non-existent room",
  mucServerNotFound: "MUC server not found",
  cannotReadRoom: "Given user does not have permission to read this room",
  cannotReadConfig: "Given user does not have permission to read config",
  cannotChangeConfig: "Given user does not have permission to change the config",
  cannotDelete: "Given user does not have permission to delete this room",
  moderatorNotFound: "Resource with moderator role not found",
  incorrectDomain: "Could not create room due to incorrect domain",
  creationFailed: "Error while creating a room",
  couldNotUnlock: "Could not unlock room after creation",
} as const;

const roomNotFound = { code: "room_not_found", message: MUC_MESSAGES.roomNotFound } as const;
const readRoom = { code: "not_allowed", message: MUC_MESSAGES.cannotReadRoom } as const;
const nickMissing = { code: "cannot_modify", message: (c: Readonly<Record<string, unknown>>) => `Nickname ${String(c.nick)} does not exist in the room` };
const roomText = (fallback: string) => ({ code: "cannot_modify", message: (_: unknown, text: string | undefined) => text || fallback });
const rolePermission = { code: "not_allowed", message: (c: Readonly<Record<string, unknown>>) => `Given user does not have permission to set the ${String(c.value)} role` };
const affiliationPermission = {
  code: "not_allowed",
  message: (c: Readonly<Record<string, unknown>>) => `Given user does not have permission to set the ${String(c.value)} affiliation`,
};
const notInRoom = { code: "not_in_room", message: "The gateway's session is not in this room; enter it first with enterRoom" };

/** Per-operation tables. `item-not-found` from a room means the room is missing unless noted. */
export const MUC_ERRORS = {
  /** Entering a room (XEP-0045 §7.2.4–§7.2.11); also used by createInstantRoom's own mapping. */
  join: {
    "not-authorized": { code: "wrong_password", message: "The room password is wrong or missing" },
    conflict: { code: "nick_conflict", message: (c) => `The nickname ${String(c.nick)} is already in use in this room` },
    "not-acceptable": { code: "nick_conflict", message: (c) => `The room does not accept the nickname ${String(c.nick)}` },
    forbidden: { code: "not_allowed", message: "Given user is banned from this room" },
    "registration-required": { code: "not_allowed", message: "Given user is not a member of this members-only room" },
    "service-unavailable": { code: "not_allowed", message: "The room has reached its maximum number of occupants" },
    "not-allowed": { code: "not_allowed", message: "The MUC service does not allow this user to create rooms" },
    "item-not-found": { code: "room_not_found", message: "Room not found (it may be locked until its owner configures it)" },
    gone: { code: "room_not_found", message: "Room not found: it was destroyed" },
  },
  getRoomConfig: {
    forbidden: { code: "not_allowed", message: MUC_MESSAGES.cannotReadConfig },
    "not-allowed": { code: "not_allowed", message: MUC_MESSAGES.cannotReadConfig },
    "item-not-found": roomNotFound,
  },
  changeRoomConfig: {
    forbidden: { code: "not_allowed", message: MUC_MESSAGES.cannotChangeConfig },
    "not-allowed": { code: "not_allowed", message: MUC_MESSAGES.cannotChangeConfig },
    "item-not-found": roomNotFound,
    "not-acceptable": roomText("The room refused the configuration"),
    "bad-request": roomText("The room refused the configuration"),
  },
  deleteRoom: {
    forbidden: { code: "not_allowed", message: MUC_MESSAGES.cannotDelete },
    "not-allowed": { code: "not_allowed", message: MUC_MESSAGES.cannotDelete },
    "item-not-found": { code: "room_not_found", message: MUC_MESSAGES.deleteNonexistent },
  },
  /** listRoomUsers, listRoomAffiliations. */
  readRoom: {
    forbidden: readRoom,
    "not-allowed": readRoom,
    "item-not-found": roomNotFound,
  },
  /** getRoomMessages (XEP-0313 addressed to the room). */
  roomArchive: {
    forbidden: readRoom,
    "not-allowed": readRoom,
    "registration-required": readRoom,
    "item-not-found": roomNotFound,
    "internal-server-error": { code: "internal", message: (_, text) => `Internal error occured ${text ?? "internal-server-error"}` },
  },
  /** setUserRole and kickUser; `item-not-found` here is the nick, once the room is known to exist. */
  setRole: {
    "not-allowed": rolePermission,
    forbidden: rolePermission,
    "not-acceptable": roomText("The room did not accept the role change"),
    "item-not-found": nickMissing,
  },
  setAffiliation: {
    forbidden: affiliationPermission,
    "not-allowed": affiliationPermission,
    "not-acceptable": roomText("The room did not accept the affiliation change"),
    conflict: roomText("The room must keep at least one owner"),
    "item-not-found": roomNotFound,
  },
  /** A groupchat message bounced by the room (XEP-0045 §7.4). */
  groupchat: {
    "not-acceptable": notInRoom,
    forbidden: { code: "not_allowed", message: "Given user does not have voice in this room" },
    "item-not-found": roomNotFound,
  },
  /** A private message bounced by the room (XEP-0045 §7.5); `item-not-found` is the nick once the room exists. */
  privateMessage: {
    "not-acceptable": notInRoom,
    forbidden: { code: "not_allowed", message: "The room does not allow this private message" },
    "not-allowed": { code: "not_allowed", message: "The room does not allow private messages" },
    "item-not-found": { code: "occupant_not_found", message: (c) => `No occupant with the nickname ${String(c.nick)} is in the room` },
  },
  /** A mediated invitation refused by the room (XEP-0045 §7.8.2); ejabberd takes invitations from occupants only. */
  invite: {
    "not-acceptable": notInRoom,
    forbidden: { code: "not_allowed", message: "Given user does not have permission to invite users to this room" },
    "not-allowed": { code: "not_allowed", message: "Given user does not have permission to invite users to this room" },
    "jid-malformed": { code: "invalid_recipient", message: "Invalid recipient JID" },
    "item-not-found": roomNotFound,
  },
} as const satisfies Record<string, ConditionMapping>;

/** `nick` and `value` feed messages; only `room`/`mucDomain` are MongooseIM's extension keys. */
export const MUC_CONTEXT: MapOptions = { internal: ["nick", "value"] };

/** `muc_server_not_found` for a domain that is not a MUC service. */
export function mucServerNotFound(mucDomain: string, key: "mucDomain" | "room" = "mucDomain", value = mucDomain): ApiError {
  return new ApiError("muc_server_not_found", MUC_MESSAGES.mucServerNotFound, { [key]: value });
}

/** A room-config change that the server's form cannot carry (never dropped silently). */
export function unsupportedConfig(room: string, fields: readonly string[]): ApiError {
  return new ApiError(
    "config_field_not_supported",
    `This server's room configuration cannot take the requested value of: ${fields.join(", ")}`,
    { room, fields: [...fields] },
  );
}

/** The room accepted a configuration form but did not apply every requested value. */
export function configNotApplied(room: string, fields: readonly string[]): ApiError {
  return new ApiError("cannot_modify", `The room did not apply the requested value of: ${fields.join(", ")}`, { room, fields: [...fields] });
}

/**
 * The caller tried to give up ownership of a room it is the only owner of. Prosody says
 * so with `conflict`; ejabberd refuses with `not-allowed`, and the owner list tells.
 */
export function lastOwner(room: string): ApiError {
  return new ApiError("cannot_modify", "The room must keep at least one owner", { room });
}

/**
 * An owner or admin asked for the occupants of a room its session is not in, on a
 * server that gives them only to moderators present in the room (ejabberd).
 */
export function occupantsOnlyInside(room: string): ApiError {
  return new ApiError(
    "not_in_room",
    "This server lists a room's occupants only to moderators inside it; enter the room first with enterRoom",
    { room },
  );
}
