import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping } from "../errors/map-error.js";

/*
 * HTTP File Upload (XEP-0363) refusals in MongooseIM's codes and messages
 * (mod_http_upload_api). Conditions not listed here fall back to the generic table in
 * src/errors/map-error.ts: `forbidden` → `no_permissions`, `resource-constraint` (a quota) →
 * `resource_constraint`, and anything else (e.g. Prosody's `bad-request` for a file name
 * with "/", `not-acceptable` for a refused content type) → `xmpp_error` with the
 * server's condition and text.
 */

const NOT_LOADED = "Some of the required modules are not loaded";

/** Conditions of a slot request that mean the discovered service has gone away. */
export const UPLOAD_SERVICE_GONE = new Set(["service-unavailable", "item-not-found", "remote-server-not-found", "remote-server-timeout"]);

export const HTTP_UPLOAD_ERRORS = {
  slot: {
    // XEP-0363 §4: the service's own limit, when it is lower than the one it announced.
    "file-too-large": { code: "file_too_large_error", message: "Declared file size exceeds the host's maximum file size." },
    "service-unavailable": { code: "deps_not_loaded", message: NOT_LOADED },
    "item-not-found": { code: "deps_not_loaded", message: NOT_LOADED },
    "remote-server-not-found": { code: "deps_not_loaded", message: NOT_LOADED },
    "remote-server-timeout": { code: "deps_not_loaded", message: NOT_LOADED },
  },
} as const satisfies Record<string, ConditionMapping>;

/** The server offers no XEP-0363 service: MongooseIM's answer without mod_http_upload. */
export function noUploadService(): ApiError {
  return new ApiError("deps_not_loaded", NOT_LOADED, { not_loaded_modules: ["mod_http_upload"] });
}

/** `size` is above the service's announced `max-file-size`. */
export function fileTooLarge(context: Readonly<Record<string, unknown>>): ApiError {
  return new ApiError("file_too_large_error", "Declared file size exceeds the host's maximum file size.", context);
}

/** The service answered without a usable slot. */
export function unreadableSlot(context: Readonly<Record<string, unknown>>): ApiError {
  return new ApiError("internal", "The upload service's slot could not be read", context);
}
