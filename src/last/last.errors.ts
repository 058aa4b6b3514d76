import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping } from "../errors/map-error.js";

/*
 * Last Activity (XEP-0012) refusals in MongooseIM's codes and messages (mod_last_api).
 * Conditions not listed here fall back to the generic table in src/errors/map-error.ts.
 */

const NOT_FOUND = { code: "last_not_found", message: "Given user's last info not found" } as const;
const NO_USER = { code: "user_does_not_exist", message: (c: Readonly<Record<string, unknown>>) => `User ${String(c.user)} does not exist` };
/**
 * Reading another user's record needs a presence subscription to them (XEP-0012 §4):
 * Prosody refuses with `forbidden`, ejabberd with `subscription-required`. MongooseIM's
 * own API reads the database and never asks; over XMPP both become one code. Prosody also
 * answers `forbidden` for a local account that does not exist, so the message says both.
 */
const NO_SUBSCRIPTION = {
  code: "no_permissions",
  message: (c: Readonly<Record<string, unknown>>) =>
    `Reading the last activity of ${String(c.user)} needs a presence subscription to them (or the user does not exist)`,
};

export const LAST_ERRORS = {
  /**
   * The caller's own record. MongooseIM and ejabberd answer `service-unavailable` when
   * nothing is stored (mod_last's not_found); so does a server without XEP-0012.
   */
  getOwn: {
    "service-unavailable": NOT_FOUND,
    "item-not-found": NOT_FOUND,
  },
  /**
   * Another user's record. A domain the server cannot reach (`remote-server-*`: ejabberd
   * and Prosody once DNS or the connection fails; `not-allowed`: Prosody without its s2s
   * module) is MongooseIM's missing user. ejabberd with `s2s_access: none` answers
   * `forbidden`, which reads as the missing subscription.
   */
  getOther: {
    forbidden: NO_SUBSCRIPTION,
    "subscription-required": NO_SUBSCRIPTION,
    "not-authorized": NO_SUBSCRIPTION,
    "service-unavailable": NOT_FOUND,
    "item-not-found": NO_USER,
    "remote-server-not-found": NO_USER,
    "remote-server-timeout": NO_USER,
    "not-allowed": NO_USER,
  },
  /**
   * Reading the record back after going unavailable: no answer means the server does
   * not keep XEP-0012 records at all.
   */
  set: {
    "service-unavailable": { code: "deps_not_loaded", message: "Some of the required modules are not loaded" },
    "item-not-found": { code: "deps_not_loaded", message: "Some of the required modules are not loaded" },
  },
} as const satisfies Record<string, ConditionMapping>;

/** The server's XEP-0012 answer could not be read. */
export function unreadableLastReply(context: Readonly<Record<string, unknown>>): ApiError {
  return new ApiError("internal", "The XMPP server's last-activity answer could not be read", context);
}

/**
 * setLast with a `timestamp` away from now: XMPP records last activity only at the moment
 * the user goes unavailable, so another moment cannot be stored.
 */
export function timestampNotNow(toleranceSeconds: number): ApiError {
  return new ApiError(
    "invalid_input",
    `The XMPP server records last activity only at the current time: omit timestamp or give one within ${toleranceSeconds} s of now`,
    { field: "timestamp" },
  );
}
