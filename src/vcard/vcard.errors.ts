import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping } from "../errors/map-error.js";

/*
 * vcard-temp (XEP-0054) refusals in MongooseIM's codes and messages (mod_vcard_api).
 * Conditions not listed here fall back to the generic table in src/errors/map-error.ts.
 */

const VCARD_NOT_FOUND = "Vcard for user not found";
const NOT_FOUND = { code: "vcard_not_found", message: VCARD_NOT_FOUND } as const;
const NO_DOMAIN = { code: "user_not_found", message: "User's domain does not exist" } as const;

export const VCARD_ERRORS = {
  /**
   * The caller's own vCard. Prosody's mod_vcard answers `item-not-found` when none is
   * stored; a server without vcard-temp answers `service-unavailable`, which MongooseIM
   * reports for the own vCard as its module check.
   */
  getOwn: {
    "item-not-found": NOT_FOUND,
    "service-unavailable": { code: "vcard_not_configured_error", message: "Mod_vcard is not loaded for this host" },
    "feature-not-implemented": { code: "vcard_not_configured_error", message: "Mod_vcard is not loaded for this host" },
  },
  /**
   * Another user on the caller's server. Prosody answers `item-not-found` both for a
   * user without a vCard and for one that does not exist, so the two cannot be told apart.
   */
  getLocal: {
    "item-not-found": NOT_FOUND,
  },
  /**
   * A user on another domain, asked through the caller's server: a domain it cannot reach
   * (`remote-server-*`: ejabberd and Prosody once DNS or the connection fails; `not-allowed`:
   * Prosody without its s2s module) is MongooseIM's unknown domain. ejabberd with
   * `s2s_access: none` answers `forbidden`, which stays the generic `no_permissions`.
   */
  getRemote: {
    "item-not-found": NOT_FOUND,
    "remote-server-not-found": NO_DOMAIN,
    "remote-server-timeout": NO_DOMAIN,
    "not-allowed": NO_DOMAIN,
  },
  /** Publishing the caller's vCard: a storage failure is MongooseIM's `internal`. */
  set: {
    "internal-server-error": { code: "internal", message: "Internal server error" },
  },
} as const satisfies Record<string, ConditionMapping>;

/** No vCard stored (an empty `<vCard/>` or none in the result). */
export function vcardNotFound(context: Readonly<Record<string, unknown>>): ApiError {
  return new ApiError(NOT_FOUND.code, VCARD_NOT_FOUND, context);
}

/**
 * A setVcard input that XEP-0054's DTD cannot carry (e.g. a SOUND with both PHONETIC and
 * EXTVAL). `field` is the input path, e.g. `vcard.sound[1]`.
 */
export function invalidVcardInput(field: string, message: string): ApiError {
  return new ApiError("invalid_input", message, { field });
}
