import type { Resolvers } from "../generated/graphql.js";

/** http-upload: not built yet; every operation answers not_implemented until it is. */
export const httpUploadResolvers: Resolvers = {};
