import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { getBlockingList, setBlockingList } from "../blocking/blocking.api.js";

/** muc_light: MongooseIM's MUC Light. The blocking list maps onto XEP-0191; rooms come later. */
export const mucLightResolvers: Resolvers = {
  MUCLightUserQuery: {
    getBlockingList: async (_, __, ctx) => getBlockingList(await callerOf(ctx).session()),
  },
  MUCLightUserMutation: {
    setBlockingList: async (_, { items }, ctx) =>
      setBlockingList(await callerOf(ctx).session(), items.map((i) => ({ entityType: i.entityType, action: i.action ?? "DENY", entity: i.entity }))),
  },
};
