import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { ApiError } from "../errors/api-error.js";

/** token: gateway-issued Bearer tokens (MongooseIM's mod_auth_token API). */
export const tokenResolvers: Resolvers = {
  TokenUserMutation: {
    requestToken: async (_, __, ctx) => {
      const caller = callerOf(ctx, { allowRefreshToken: true });
      const session = await caller.session();
      if (!session.keys) throw new ApiError("internal_server_error", "Internal server error", { user: caller.jid });
      return ctx.services.tokens.request(caller.jid, session.keys, caller.refreshToken);
    },
    revokeToken: (_, __, ctx) => ctx.services.tokens.revoke(callerOf(ctx).jid),
  },
};
