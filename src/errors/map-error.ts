import { ApiError } from "./api-error.js";
import { StanzaError, XmlCharacterError, XmppConnectionError, XmppTimeoutError } from "../xmpp/errors.js";

/*
 * The single place where failures of the XMPP side become MongooseIM error codes. Each
 * domain keeps its table beside its api (`src/<domain>/<domain>.errors.ts`) and calls
 * toApiError (in a catch) or orApiError (around a promise) with it.
 */

/** The context of an error: MongooseIM's extra `extensions` keys, plus keys only messages use. */
export type ErrorContext = Readonly<Record<string, unknown>>;

/** What one condition becomes: a code and a message, which may use the context and the server's error text. */
export interface ConditionEntry {
  readonly code: string;
  readonly message: string | ((context: ErrorContext, text: string | undefined) => string);
}

/** How stanza-error conditions become API errors for one operation. */
export type ConditionMapping = Readonly<Record<string, ConditionEntry>>;

/** Options of the mapping. */
export interface MapOptions {
  /** Context keys that feed messages only and are not reported in `extensions` (e.g. a nick). */
  readonly internal?: readonly string[];
}

/**
 * Turns a failure into an ApiError. A StanzaError goes through `table` (its
 * application-specific condition first, being more precise, then its defined condition),
 * then through the generic table; timeouts, closed connections and unsendable characters
 * have codes of their own; an ApiError passes through.
 * @throws the error itself when it is none of those (a bug, masked by the GraphQL layer).
 */
export function toApiError(error: unknown, table: ConditionMapping = {}, context: ErrorContext = {}, options: MapOptions = {}): ApiError {
  if (error instanceof ApiError) return error;
  const reported = options.internal ? without(context, options.internal) : context;
  if (error instanceof StanzaError) {
    const entry = (error.application !== undefined ? table[error.application] : undefined) ??
      table[error.condition] ?? GENERIC_CONDITIONS[error.condition];
    if (entry) {
      const message = typeof entry.message === "function" ? entry.message(context, error.text) : entry.message;
      return new ApiError(entry.code, message, reported);
    }
    return new ApiError(
      "xmpp_error",
      `The XMPP server refused the request: ${error.condition}${error.text ? ` (${error.text})` : ""}`,
      { ...reported, condition: error.condition },
    );
  }
  if (error instanceof XmlCharacterError) return new ApiError("invalid_input", error.message, reported);
  if (error instanceof XmppTimeoutError) return new ApiError("timeout", error.message, reported);
  if (error instanceof XmppConnectionError) {
    return new ApiError("xmpp_unavailable", `The XMPP server is not reachable: ${error.message}`, reported);
  }
  throw error;
}

/**
 * Awaits `work` and maps its failure with toApiError: the api modules' replacement for a
 * try/catch around each request.
 * @throws ApiError
 */
export async function orApiError<T>(work: Promise<T>, table: ConditionMapping = {}, context: ErrorContext = {}, options: MapOptions = {}): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw toApiError(error, table, context, options);
  }
}

function without(context: ErrorContext, keys: readonly string[]): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...context };
  for (const key of keys) delete rest[key];
  return rest;
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
