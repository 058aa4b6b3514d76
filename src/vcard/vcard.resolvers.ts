import type { Resolvers } from "../generated/graphql.js";

/** vcard: not built yet; every operation answers not_implemented until it is. */
export const vcardResolvers: Resolvers = {};
