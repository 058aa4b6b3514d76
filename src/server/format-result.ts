import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError } from "graphql";
import { maskError } from "../graphql/errors.js";

/** What an error asks of the HTTP layer: a status, and headers (Retry-After). */
export interface HttpHint {
  status?: number;
  headers?: Record<string, string>;
}

/** The `extensions.http` hint of an error, which only the HTTP layer reads. */
export function httpHintOf(error: { extensions?: Record<string, unknown> | undefined }): HttpHint | undefined {
  return error.extensions?.http as HttpHint | undefined;
}

/** A result ready for a transport: the body, and the status and headers its errors ask for. */
export interface FormattedResult {
  body: FormattedExecutionResult;
  /** The largest status an error asks for (e.g. 503 when the XMPP server went away), else 200. */
  status: number;
  headers: Record<string, string>;
}

/**
 * Formats a result for the wire: each error masked (expected failures keep their code,
 * anything else becomes `resolver_crash` / `internal_server_error`), and the statuses
 * and headers the errors ask for collected for HTTP, as graphql-yoga does.
 */
export function formatResult(result: ExecutionResult, log: (error: unknown) => void): FormattedResult {
  if (!result.errors?.length) return { body: { data: result.data }, status: 200, headers: {} };
  return formatErrors(result.errors.map((error) => maskError(error, error.message, log)), "data" in result ? { data: result.data } : {});
}

/** Formats errors that are already GraphQL errors (refusals), with the status they ask for. */
export function formatErrors(errors: readonly Error[], base: { data?: unknown } = {}): FormattedResult {
  let status = 200;
  const headers: Record<string, string> = {};
  const formatted = errors.map((error) => {
    const json = error instanceof GraphQLError ? error.toJSON() : { message: error.message };
    const hint = httpHintOf(json);
    if (hint?.status !== undefined && hint.status > status) status = hint.status;
    Object.assign(headers, hint?.headers);
    return withoutHttpHint(json);
  });
  return { body: { ...base, errors: formatted } as FormattedExecutionResult, status, headers };
}

/** Drops our internal `extensions.http` hint from an error on the wire. */
export function withoutHttpHint(error: GraphQLFormattedError): GraphQLFormattedError {
  if (!error.extensions || !("http" in error.extensions)) return error;
  const { http: _http, ...extensions } = error.extensions;
  return { ...error, extensions };
}
