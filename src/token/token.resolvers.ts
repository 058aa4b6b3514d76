import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";

/** token: gateway-issued Bearer tokens (MongooseIM's mod_auth_token API). */
export const tokenResolvers: Resolvers = {
  TokenUserMutation: {
    requestToken: async (_, __, ctx) => {
      const caller = callerOf(ctx, { allowRefreshToken: true });
      const session = await caller.session();
      return ctx.services.tokens.request(caller.jid, session.keys, caller.refreshToken);
    },
    revokeToken: (_, __, ctx) => ctx.services.tokens.revoke(callerOf(ctx).jid),
  },
};
