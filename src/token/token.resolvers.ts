import type { Resolvers } from "../generated/graphql.js";

/** token: not built yet; every operation answers not_implemented until it is. */
export const tokenResolvers: Resolvers = {};
