import type { Resolvers } from "../generated/graphql.js";

/** muc-light: not built yet; every operation answers not_implemented until it is. */
export const mucLightResolvers: Resolvers = {};
