import type { Resolvers } from "../generated/graphql.js";
import type { GraphQLContext } from "../graphql/context.js";
import { callerOf } from "../graphql/caller.js";
import { changePassword, unregister, type OwnAccount } from "./account.api.js";

/** account: the caller's own account (XEP-0077 In-Band Registration). */
export const accountResolvers: Resolvers = {
  AccountUserQuery: {
    // MongooseIM's placeholder: its resolver module was empty (the field crashed with
    // `resolver_crash`) until MongooseIM dropped the field; it carries no information.
    field: () => null,
  },
  AccountUserMutation: {
    changePassword: (_, { newPassword }, ctx) => changePassword(ownAccount(ctx), newPassword),
    unregister: (_, __, ctx) => unregister(ownAccount(ctx)),
  },
};

/** The caller's account: its pooled session, re-checked with this request's credentials. */
function ownAccount(ctx: GraphQLContext): OwnAccount {
  const caller = callerOf(ctx);
  return { login: () => caller.session(), forget: () => ctx.services.pool.drop(caller.jid) };
}
