/**
 * The one error type the layers below the resolvers throw for an expected failure.
 * `code` is MongooseIM's `extensions.code`; `context` holds the extra `extensions` keys
 * MongooseIM adds (e.g. `user`, `contact`). The GraphQL layer turns it into a GraphQLError.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly code: string,
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
    /** Set only for errors raised before execution (HTTP layer), e.g. 401 or 400. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** Raised for a field whose resolver belongs to a later milestone. Never a fake success. */
export function notImplemented(field: string): ApiError {
  return new ApiError(
    "not_implemented",
    `${field} is not implemented by this gateway yet`,
    { field },
  );
}
