import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping } from "../errors/map-error.js";

/*
 * Inbox bin refusals in MongooseIM's codes and messages (mod_inbox_api and its @use
 * directive). Conditions not listed here fall back to the generic table in src/errors/map-error.ts.
 */

const NOT_LOADED = "Some of the required modules are not loaded";

export const INBOX_ERRORS = {
  flush: {
    "service-unavailable": { code: "deps_not_loaded", message: NOT_LOADED },
    "feature-not-implemented": { code: "deps_not_loaded", message: NOT_LOADED },
  },
} as const satisfies Record<string, ConditionMapping>;

/**
 * The server offers no inbox with a bin (Prosody, ejabberd, and XEP-0430 servers):
 * MongooseIM's answer when mod_inbox is not loaded.
 */
export function inboxNotLoaded(): ApiError {
  return new ApiError("deps_not_loaded", NOT_LOADED, { not_loaded_modules: ["mod_inbox"] });
}

/** MongooseIM's XMPP `<empty-bin/>` empties the whole bin: it has no age limit. */
export function daysNotSupported(): ApiError {
  return new ApiError(
    "invalid_input",
    "The server's XMPP inbox can only empty the whole bin: omit days",
    { field: "days" },
  );
}

/** The server's `<empty-bin/>` answer holds no count. */
export function unreadableEmptyBin(context: Readonly<Record<string, unknown>>): ApiError {
  return new ApiError("internal", "The XMPP server's inbox answer could not be read", context);
}
