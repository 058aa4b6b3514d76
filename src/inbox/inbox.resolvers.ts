import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { flushBin } from "./inbox.api.js";

/** inbox: MongooseIM's inbox bin, where the server has one (see inbox.api.ts). */
export const inboxResolvers: Resolvers = {
  InboxUserMutation: {
    flushBin: async (_, { days }, ctx) => flushBin(await callerOf(ctx).session(), days),
  },
};
