import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping } from "../errors/map-error.js";
import { MUC_MESSAGES } from "../muc/muc.errors.js";

/*
 * Refusals of a MUC room's data change: a subject change (XEP-0045 §8.1) or a vCard set on
 * the room (XEP-0486) refused by the room. ejabberd takes a room vCard from owners only
 * ("Owner privileges required", `forbidden`), so an admin may change the subject there
 * but not the icon.
 */

const NOT_IN_ROOM = "The gateway's session is not in this room; enter it first with muc.enterRoom";
const cannotChange = { code: "not_allowed", message: MUC_MESSAGES.cannotChangeConfig } as const;

export const ROOM_DATA_ERRORS: ConditionMapping = {
  forbidden: cannotChange,
  "not-allowed": cannotChange,
  "not-authorized": cannotChange,
  "item-not-found": { code: "room_not_found", message: MUC_MESSAGES.roomNotFound },
  "not-acceptable": { code: "not_in_room", message: NOT_IN_ROOM },
};

/** A MUC room's data is changed through the gateway's session in the room. */
export function notInRoom(room: string): ApiError {
  return new ApiError("not_in_room", NOT_IN_ROOM, { room });
}
