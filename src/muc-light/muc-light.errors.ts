import { ApiError } from "../errors/api-error.js";
import { hasCondition } from "../xmpp/errors.js";
import { MUC_ERRORS } from "../muc/muc.errors.js";
import type { ConditionEntry, ConditionMapping } from "../errors/map-error.js";

/*
 * MUC Light refusals in MongooseIM's codes and words (the "muc_light" section of
 * mongooseim-error-codes.md). The gateway maps MUC Light onto XEP-0045 rooms, so the
 * rooms' stanza errors are translated here, in MongooseIM's check order: service →
 * room → membership → permission.
 */

/** MongooseIM's exact messages (mod_muc_light_api.erl). */
export const MUC_LIGHT_MESSAGES = {
  mucServerNotFound: "MUC Light server not found",
  roomNotFound: "Room not found",
  notRoomMember: "Given user does not occupy this room",
  alreadyExists: "Room already exists",
  cannotChangeConfig: "Given user does not have permission to change config",
  cannotChangeAffiliations: "Given user does not have permission to change affiliations",
  cannotDelete: "Given user cannot delete this room",
  cannotInvite: "Given user does not have permission to invite users to this room",
  invited: "User invited successfully",
  deleted: "Room deleted successfully",
  affiliationChanged: "Affiliation change request sent successfully",
  messageSent: "Message sent successfully",
} as const;

type Context = Readonly<Record<string, unknown>>;

export function mucLightServerNotFound(context: Context): ApiError {
  return new ApiError("muc_server_not_found", MUC_LIGHT_MESSAGES.mucServerNotFound, context);
}

export function mucLightRoomNotFound(context: Context): ApiError {
  return new ApiError("room_not_found", MUC_LIGHT_MESSAGES.roomNotFound, context);
}

export function notRoomMember(context: Context): ApiError {
  return new ApiError("not_room_member", MUC_LIGHT_MESSAGES.notRoomMember, context);
}

export function roomAlreadyExists(context: Context): ApiError {
  return new ApiError("already_exists", MUC_LIGHT_MESSAGES.alreadyExists, context);
}

export function notAllowed(message: string, context: Context): ApiError {
  return new ApiError("not_allowed", message, context);
}

/** Conditions with which a room says it does not exist (XEP-0045 §7.2.6, XEP-0030 §3.1). */
const ROOM_MISSING = new Set(["item-not-found", "gone", "recipient-unavailable"]);
/** Conditions with which a members-only room refuses someone who has no affiliation. */
const NOT_MEMBER = new Set(["forbidden", "not-allowed", "registration-required", "not-authorized"]);
/** Conditions with which a room says it does not offer a request at all (ejabberd: registration in rooms). */
const UNSUPPORTED = new Set(["service-unavailable", "feature-not-implemented"]);

const roomNotFound: ConditionEntry = { code: "room_not_found", message: MUC_LIGHT_MESSAGES.roomNotFound };

/** One entry for each of `conditions`. */
function each(conditions: ReadonlySet<string>, entry: ConditionEntry): ConditionMapping {
  return Object.fromEntries([...conditions].map((condition) => [condition, entry]));
}

/**
 * A refused change (affiliation, configuration, destruction, invitation): the room went
 * away → `room_not_found`; a permission refusal → `not_allowed` with the operation's message.
 */
function changeTable(permissionMessage: string): ConditionMapping {
  return { ...each(NOT_MEMBER, { code: "not_allowed", message: permissionMessage }), ...each(ROOM_MISSING, roomNotFound) };
}

/** Per-operation tables; conditions they do not list keep their generic meaning. */
export const MUC_LIGHT_ERRORS = {
  /** A request only members may make (reading the affiliation lists). */
  membership: { ...each(NOT_MEMBER, { code: "not_room_member", message: MUC_LIGHT_MESSAGES.notRoomMember }), ...each(ROOM_MISSING, roomNotFound) },
  changeConfig: changeTable(MUC_LIGHT_MESSAGES.cannotChangeConfig),
  changeAffiliations: changeTable(MUC_LIGHT_MESSAGES.cannotChangeAffiliations),
  invite: changeTable(MUC_LIGHT_MESSAGES.cannotInvite),
  deleteRoom: changeTable(MUC_LIGHT_MESSAGES.cannotDelete),
  /** Entering the room as a member: membership refusals first, then the MUC join table. */
  enter: { ...MUC_ERRORS.join, ...each(NOT_MEMBER, { code: "not_room_member", message: MUC_LIGHT_MESSAGES.notRoomMember }), ...each(ROOM_MISSING, roomNotFound) },
  /**
   * A member cancelling its registration (XEP-0045 §7.10). A server that offers members no
   * way to leave (ejabberd: no registration in rooms, only owners and admins change
   * affiliations) says so; an owner can still remove the member.
   */
  leave: {
    ...changeTable(MUC_LIGHT_MESSAGES.cannotChangeAffiliations),
    ...each(UNSUPPORTED, {
      code: "not_allowed",
      message: "This server does not let a member leave a room by itself; an owner of the room must remove the member",
    }),
  },
} as const satisfies Record<string, ConditionMapping>;

/** Whether a stanza error says the room does not exist. */
export function isRoomMissing(error: unknown): boolean {
  return hasCondition(error, ROOM_MISSING);
}

/** Whether a stanza error is a members-only refusal of someone without affiliation. */
export function isNotMember(error: unknown): boolean {
  return hasCondition(error, NOT_MEMBER);
}
