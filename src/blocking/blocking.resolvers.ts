import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { changeBlocked, listBlocked } from "./blocking.api.js";

/** blocking: the caller's XEP-0191 block list (MUC Light's list stays in muc_light). */
export const blockingResolvers: Resolvers = {
  BlockingUserQuery: {
    list: async (_, __, ctx) => listBlocked(await callerOf(ctx).session()),
  },
  BlockingUserMutation: {
    block: async (_, { jids }, ctx) => changeBlocked(await callerOf(ctx).session(), "block", jids),
    blockDomains: async (_, { domains }, ctx) => changeBlocked(await callerOf(ctx).session(), "block", domains),
    unblockDomains: async (_, { domains }, ctx) => changeBlocked(await callerOf(ctx).session(), "unblock", domains),
    unblock: async (_, { jids }, ctx) => changeBlocked(await callerOf(ctx).session(), "unblock", jids ?? null),
  },
};
