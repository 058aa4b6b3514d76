import { GraphQLError } from "graphql";
import { ApiError } from "../errors/api-error.js";

/**
 * Converts an ApiError into the GraphQLError a client sees: MongooseIM's code in
 * `extensions.code`, its context keys beside it, and an HTTP status when the error
 * stops the request before execution.
 */
export function apiErrorToGraphQL(error: ApiError, path?: ReadonlyArray<string | number>): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code, ...error.context };
  if (error.httpStatus !== undefined) {
    const retryAfter = error.context.retry_after;
    extensions.http = { status: error.httpStatus, ...(retryAfter !== undefined && { headers: { "retry-after": String(retryAfter) } }) };
  }
  return new GraphQLError(error.message, { path, extensions, originalError: error });
}

/**
 * The pipeline's error masking: expected failures (ApiError, anywhere in the cause chain) keep
 * their code; GraphQL's own errors pass through; anything else is an unexpected crash,
 * logged by the caller and reported with MongooseIM's `resolver_crash` code.
 */
export function maskError(error: unknown, _message: string, log: (e: unknown) => void): Error {
  if (error instanceof GraphQLError) {
    const original = error.originalError;
    if (original instanceof ApiError) return apiErrorToGraphQL(original, error.path);
    if (!original || original instanceof GraphQLError) return error;
    log(original);
    return new GraphQLError("Unexpected resolver crash", {
      path: error.path,
      nodes: error.nodes,
      extensions: { code: "resolver_crash" },
    });
  }
  if (error instanceof ApiError) return apiErrorToGraphQL(error);
  log(error);
  return new GraphQLError("GraphQL Internal Server Error", {
    extensions: { code: "internal_server_error", http: { status: 500 } },
  });
}
