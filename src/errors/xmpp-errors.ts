import { ApiError } from "./api-error.js";

/**
 * A stanza-level error returned by the XMPP server (RFC 6120 §8.3): the defined
 * condition, the error type and the optional human-readable text.
 */
export class StanzaError extends Error {
  override readonly name = "StanzaError";
  constructor(
    readonly condition: string,
    readonly type: string,
    readonly text: string | undefined,
    /** The application-specific condition element's name (RFC 6120 §8.3.4), e.g. `file-too-large`. */
    readonly application?: string,
  ) {
    super(text ? `${condition}: ${text}` : condition);
  }
}

/** An IQ got no answer in time (the server is slow, or dropped it). */
export class XmppTimeoutError extends Error {
  override readonly name = "XmppTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`The XMPP server did not answer within ${timeoutMs} ms`);
  }
}

/** The XMPP connection closed (or could not be opened) while a request needed it. */
export class XmppConnectionError extends Error {
  override readonly name = "XmppConnectionError";
}

/**
 * A stanza would carry characters XML cannot (e.g. a control character in a message
 * body): sending it would make the server close the user's whole session.
 */
export class XmlCharacterError extends Error {
  override readonly name = "XmlCharacterError";
  constructor() {
    super("The input contains characters that XML cannot carry (control characters such as U+0007)");
  }
}

/** XmppAuthError condition when the server offers no SASL mechanism we implement. */
export const NO_MECHANISM = "no-supported-mechanism";

/** SASL refused the credentials (RFC 6120 §6.5 `not-authorized` and friends). */
export class XmppAuthError extends Error {
  override readonly name = "XmppAuthError";
  constructor(readonly condition: string) {
    super(`XMPP authentication failed: ${condition}`);
  }
}

/** How one stanza-error condition becomes an API error for a given operation. */
export type ConditionMapping = Readonly<
  Record<string, { code: string; message: string | ((context: Readonly<Record<string, unknown>>) => string) }>
>;

/**
 * The single place where failures of the XMPP side become MongooseIM error codes.
 * `byCondition` is the operation's own table (e.g. roster removal: `item-not-found` →
 * `contact_not_found`); conditions it does not list fall back to the generic table.
 */
export function toApiError(
  error: unknown,
  byCondition: ConditionMapping = {},
  context: Readonly<Record<string, unknown>> = {},
): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof StanzaError) {
    // An application-specific condition is more precise than the defined one it comes with.
    const specific = (error.application !== undefined ? byCondition[error.application] : undefined) ??
      byCondition[error.condition] ?? GENERIC_CONDITIONS[error.condition];
    if (specific) {
      const message = typeof specific.message === "function" ? specific.message(context) : specific.message;
      return new ApiError(specific.code, message, context);
    }
    return new ApiError(
      "xmpp_error",
      `The XMPP server refused the request: ${error.condition}${error.text ? ` (${error.text})` : ""}`,
      { ...context, condition: error.condition },
    );
  }
  if (error instanceof XmlCharacterError) {
    return new ApiError("invalid_input", error.message, context);
  }
  if (error instanceof XmppTimeoutError) {
    return new ApiError("timeout", error.message, context);
  }
  if (error instanceof XmppConnectionError) {
    return new ApiError("xmpp_unavailable", `The XMPP server is not reachable: ${error.message}`, context);
  }
  throw error;
}

// Conditions whose meaning does not depend on the operation.
const GENERIC_CONDITIONS: ConditionMapping = {
  "remote-server-not-found": { code: "remote_server_not_found", message: "The remote server does not exist or cannot be reached" },
  "remote-server-timeout": { code: "remote_server_not_found", message: "The remote server does not exist or cannot be reached" },
  "service-unavailable": { code: "deps_not_loaded", message: "Some of the required modules are not loaded" },
  "feature-not-implemented": { code: "deps_not_loaded", message: "Some of the required modules are not loaded" },
  "not-authorized": { code: "no_permissions", message: "The XMPP server did not allow this request" },
  forbidden: { code: "no_permissions", message: "The XMPP server did not allow this request" },
  "resource-constraint": { code: "resource_constraint", message: "The XMPP server is too busy to handle the request" },
  "policy-violation": { code: "policy_violation", message: "The XMPP server refused the request by policy" },
  "internal-server-error": { code: "internal", message: "The XMPP server failed to handle the request" },
};

/** Roster (RFC 6121 §2) refusals per operation, in MongooseIM's codes. */
export const ROSTER_ERRORS = {
  list: {},
  add: {
    "item-not-found": { code: "user_not_exist", message: (c) => `The user ${String(c.contact)} does not exist` },
    "not-allowed": { code: "not_allowed", message: (c) => `The XMPP server does not allow ${String(c.contact)} in this roster` },
    "not-acceptable": { code: "internal", message: "Cannot create a contact because: the server refused the roster item" },
    "bad-request": { code: "internal", message: "Cannot create a contact because: the server refused the roster item" },
    forbidden: { code: "internal", message: "Cannot create a contact because: the server refused the roster item" },
  },
  remove: {
    "item-not-found": { code: "contact_not_found", message: (c) => `Cannot remove ${String(c.contact)} contact that does not exist` },
  },
} as const satisfies Record<string, ConditionMapping>;

/** Stanza API refusals: the archive (XEP-0313) answers for MongooseIM's mod_mam_pm. */
export const STANZA_ERRORS = {
  archive: {
    "item-not-found": { code: "internal", message: "The archive query refers to an unknown message" },
  },
} as const satisfies Record<string, ConditionMapping>;
