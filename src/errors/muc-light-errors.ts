import { ApiError } from "./api-error.js";
import { StanzaError, toApiError } from "./xmpp-errors.js";

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

/**
 * A member asked to leave a room whose server offers members no way to: no XEP-0045 §7.10
 * registration to cancel in rooms, and only owners and admins may change affiliations
 * (ejabberd). An owner can still remove the member.
 */
export function cannotLeave(context: Context): ApiError {
  return new ApiError(
    "not_allowed",
    "This server does not let a member leave a room by itself; an owner of the room must remove the member",
    context,
  );
}

/** Conditions with which a room says it does not exist (XEP-0045 §7.2.6, XEP-0030 §3.1). */
const ROOM_MISSING = new Set(["item-not-found", "gone", "recipient-unavailable"]);
/** Conditions with which a members-only room refuses someone who has no affiliation. */
const NOT_MEMBER = new Set(["forbidden", "not-allowed", "registration-required", "not-authorized"]);

/**
 * A room's refusal of a request that only members may make (reading its affiliation
 * lists): a missing room is `room_not_found`, a refusal `not_room_member`; anything else
 * through the generic mapping.
 */
export function toMembershipError(error: unknown, context: Context): ApiError {
  if (error instanceof StanzaError) {
    if (ROOM_MISSING.has(error.condition)) return mucLightRoomNotFound(context);
    if (NOT_MEMBER.has(error.condition)) return notRoomMember(context);
  }
  return toApiError(error, {}, context);
}

/**
 * A refused change (affiliation, configuration, destruction, invitation): the room went
 * away → `room_not_found`; a permission refusal → `not_allowed` with the operation's
 * message; anything else through the generic mapping.
 */
export function toChangeError(error: unknown, permissionMessage: string, context: Context): ApiError {
  if (error instanceof StanzaError) {
    if (ROOM_MISSING.has(error.condition)) return mucLightRoomNotFound(context);
    if (NOT_MEMBER.has(error.condition)) return notAllowed(permissionMessage, context);
  }
  return toApiError(error, {}, context);
}

/** Whether a stanza error says the room does not exist. */
export function isRoomMissing(error: unknown): boolean {
  return error instanceof StanzaError && ROOM_MISSING.has(error.condition);
}

/** Whether a stanza error is a members-only refusal of someone without affiliation. */
export function isNotMember(error: unknown): boolean {
  return error instanceof StanzaError && NOT_MEMBER.has(error.condition);
}

/** Conditions with which a room says it does not offer a request at all (ejabberd: registration in rooms). */
const UNSUPPORTED = new Set(["service-unavailable", "feature-not-implemented"]);

/** Whether a stanza error says the room does not support the request. */
export function isUnsupported(error: unknown): boolean {
  return error instanceof StanzaError && UNSUPPORTED.has(error.condition);
}
