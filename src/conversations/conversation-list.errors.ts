import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping } from "../errors/map-error.js";

/*
 * Refusals of the conversation list and its changes. A conversation exists once a message
 * was archived with the peer, or for a room the user is in.
 */

export const CONVERSATION_MESSAGES = {
  conversationNotFound: "Conversation not found: no archived message with this JID and no room of the user",
  badCursor: "`after` is not a cursor of this list",
} as const;

/** Read positions and bookmarks live in PEP: a server without it cannot keep them. */
export const CONVERSATION_ERRORS: ConditionMapping = {
  "feature-not-implemented": { code: "deps_not_loaded", message: "The server does not offer PEP (XEP-0163)" },
  "service-unavailable": { code: "deps_not_loaded", message: "The server does not offer PEP (XEP-0163)" },
};

/** No conversation with `id`. */
export function conversationNotFound(id: string): ApiError {
  return new ApiError("conversation_not_found", CONVERSATION_MESSAGES.conversationNotFound, { id });
}
