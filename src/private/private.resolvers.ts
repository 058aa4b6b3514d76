import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { getPrivate, setPrivate } from "./private.api.js";

/** private: the caller's private XML storage (XEP-0049). */
export const privateResolvers: Resolvers = {
  PrivateUserQuery: {
    getPrivate: async (_, { element, nameSpace }, ctx) => getPrivate(await callerOf(ctx).session(), element, nameSpace),
  },
  PrivateUserMutation: {
    setPrivate: async (_, { elementString }, ctx) => setPrivate(await callerOf(ctx).session(), elementString),
  },
};
