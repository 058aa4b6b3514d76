import type { Resolvers } from "../generated/graphql.js";

/** session: not built yet; every operation answers not_implemented until it is. */
export const sessionResolvers: Resolvers = {};
