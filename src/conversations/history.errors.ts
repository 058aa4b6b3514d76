import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping } from "../errors/map-error.js";

/*
 * Refusals of a conversation's history and of the changes to its messages. An archive
 * answers item-not-found for a paging cursor it does not know (XEP-0059 §2.6), and a
 * room's archive forbidden to someone who may not read it (XEP-0313 §5.1.1).
 */

export const HISTORY_MESSAGES = {
  messageNotFound: "Message not found in this conversation",
  ownMessageNotFound: "Message not found among the user's messages in this conversation",
  archiveForbidden: "Given user does not have permission to read this archive",
} as const;

export const HISTORY_ERRORS: ConditionMapping = {
  "item-not-found": { code: "message_not_found", message: HISTORY_MESSAGES.messageNotFound },
  forbidden: { code: "not_allowed", message: HISTORY_MESSAGES.archiveForbidden },
};

/** The message an id names is not in the conversation (or, for `own`, not the user's there). */
export function messageNotFound(id: string, own: boolean): ApiError {
  return new ApiError("message_not_found", own ? HISTORY_MESSAGES.ownMessageNotFound : HISTORY_MESSAGES.messageNotFound, { id });
}
