import { ApiError } from "../errors/api-error.js";
import type { ConditionMapping } from "../errors/map-error.js";

/*
 * Private XML Storage (XEP-0049) refusals in MongooseIM's codes (mod_private_api), plus
 * the input checks XEP-0049 implies. Conditions not listed here fall back to the generic
 * table in src/errors/map-error.ts (e.g. `service-unavailable` → `deps_not_loaded`).
 */

/** A server that refuses a reserved namespace answers `not-acceptable` (XEP-0049 §3). */
const REFUSED = { code: "invalid_input", message: "The XMPP server refused this namespace for private storage" } as const;

export const PRIVATE_ERRORS = {
  get: { "not-acceptable": REFUSED, "bad-format": REFUSED },
  set: { "not-acceptable": REFUSED, "bad-format": REFUSED },
} as const satisfies Record<string, ConditionMapping>;

/** `element` of getPrivate is not an XML element name. */
export function invalidElementName(name: string): ApiError {
  return new ApiError("invalid_input", `"${name}" is not an XML element name`, { field: "element" });
}

/**
 * The element of setPrivate declares no namespace: XEP-0049 keys storage by namespace, and
 * inside `<query xmlns='jabber:iq:private'/>` it would inherit that reserved one.
 */
export function missingNamespace(): ApiError {
  return new ApiError(
    "invalid_input",
    "The element must declare its own namespace (xmlns): private storage is kept per namespace",
    { field: "elementString" },
  );
}

/** A namespace XEP-0049 §2.3 reserves (`jabber:*`, `http://jabber.org/*`, `vcard-temp`). */
export function reservedNamespace(ns: string, field: "elementString" | "nameSpace"): ApiError {
  return new ApiError(
    "invalid_input",
    `The namespace ${ns} is reserved and cannot be used for private storage (XEP-0049: jabber:*, http://jabber.org/*, vcard-temp)`,
    { field },
  );
}
