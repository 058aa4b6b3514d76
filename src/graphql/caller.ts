import { ApiError } from "../errors/api-error.js";
import type { Caller, GraphQLContext } from "./context.js";

/**
 * The authenticated caller of a protected field. The access plugin refuses protected
 * operations without credentials before execution; this keeps resolvers type-safe.
 */
export function callerOf(context: GraphQLContext, options: { allowRefreshToken?: boolean } = {}): Caller {
  // Unreachable through the access plugin, which refuses such operations before execution.
  if (!context.caller) throw new ApiError("no_permissions", "This operation needs credentials");
  // A refresh token only buys a new access token (token.requestToken), nothing else.
  if (context.caller.via === "refresh-token" && !options.allowRefreshToken) {
    throw new ApiError("no_permissions", "A refresh token can only be used to request a new access token", { user: context.caller.jid });
  }
  return context.caller;
}

/**
 * Runs one operation per list item and returns the results in order, with each failure
 * left in place as an Error: graphql-js turns it into a `null` item plus an error whose
 * path ends with the item's index, as MongooseIM reports `addContacts`/`deleteContacts`.
 */
export async function settleEach<T, R>(items: readonly T[], run: (item: T) => Promise<R>): Promise<Array<R | Error>> {
  const results = await Promise.allSettled(items.map(run));
  return results.map((r) => (r.status === "fulfilled" ? r.value : r.reason instanceof Error ? r.reason : new Error(String(r.reason))));
}
