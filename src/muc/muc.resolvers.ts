import type { Resolvers } from "../generated/graphql.js";

/** muc: not built yet; every operation answers not_implemented until it is. */
export const mucResolvers: Resolvers = {};
