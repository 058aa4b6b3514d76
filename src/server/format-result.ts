import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLFormattedError } from "graphql";
import { maskError } from "../graphql/errors.js";

/** Drops our internal `extensions.http` hint, which only the HTTP layer reads. */
export function withoutHttpHint(error: GraphQLFormattedError): GraphQLFormattedError {
  if (!error.extensions || !("http" in error.extensions)) return error;
  const { http: _http, ...extensions } = error.extensions;
  return { ...error, extensions };
}

/**
 * Formats a result for the wire on the transports yoga does not serve (SSE, graphql-ws):
 * errors go through the same masking as HTTP, and the internal `http` hint is dropped.
 */
export function formatResult(result: ExecutionResult, log: (error: unknown) => void): FormattedExecutionResult {
  if (!result.errors?.length) return { data: result.data };
  const errors = result.errors.map((error) => {
    const masked = maskError(error, error.message, log);
    const formatted = masked instanceof GraphQLError ? masked.toJSON() : { message: masked.message };
    return withoutHttpHint(formatted);
  });
  return "data" in result ? { data: result.data, errors } : { errors };
}

/** The same error without the `http` hint, for transports that have no HTTP status. */
export function withoutHttpStatus(error: GraphQLError): GraphQLError {
  if (!error.extensions || !("http" in error.extensions)) return error;
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
}
