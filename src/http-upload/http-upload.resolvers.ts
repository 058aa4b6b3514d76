import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { getUploadUrls } from "./http-upload.api.js";

/** httpUpload: upload slots from the server's HTTP File Upload service (XEP-0363). */
export const httpUploadResolvers: Resolvers = {
  HttpUploadUserMutation: {
    getUrl: async (_, args, ctx) => getUploadUrls(await callerOf(ctx).session(), ctx.services.uploadServices, args),
  },
};
