import type { Resolvers } from "../generated/graphql.js";

/** account: not built yet; every operation answers not_implemented until it is. */
export const accountResolvers: Resolvers = {};
