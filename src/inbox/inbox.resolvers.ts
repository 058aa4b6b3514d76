import type { Resolvers } from "../generated/graphql.js";

/** inbox: not built yet; every operation answers not_implemented until it is. */
export const inboxResolvers: Resolvers = {};
