import type { Resolvers } from "../generated/graphql.js";

/** last: not built yet; every operation answers not_implemented until it is. */
export const lastResolvers: Resolvers = {};
