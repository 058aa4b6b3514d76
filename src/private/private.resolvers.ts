import type { Resolvers } from "../generated/graphql.js";

/** private: not built yet; every operation answers not_implemented until it is. */
export const privateResolvers: Resolvers = {};
