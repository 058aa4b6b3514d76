import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { countResources, listResources, listSessions } from "./session.api.js";

/** session: the caller's own connected sessions, as the XMPP server lists them. */
export const sessionResolvers: Resolvers = {
  SessionUserQuery: {
    listResources: async (_, __, ctx) => listResources(await callerOf(ctx).session()),
    countResources: async (_, __, ctx) => countResources(await callerOf(ctx).session()),
    listSessions: async (_, __, ctx) => listSessions(await callerOf(ctx).session()),
  },
};
