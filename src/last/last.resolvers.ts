import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { getLast, setLast } from "./last.api.js";

/** last: reading and recording last activity (XEP-0012). */
export const lastResolvers: Resolvers = {
  LastUserQuery: {
    getLast: async (_, { user }, ctx) => getLast(await callerOf(ctx).session(), user),
  },
  LastUserMutation: {
    setLast: async (_, { timestamp, status }, ctx) => setLast(await callerOf(ctx).session(), timestamp, status),
  },
};
