import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import type { GraphQLContext } from "../graphql/context.js";
import { listConversations, loadConversation, markDisplayed, setFavorite } from "./conversation-list.api.js";

const readOptions = (ctx: GraphQLContext) => ({ freshnessMs: ctx.services.config.conversations.freshnessMs });

/** conversations: the list, one conversation, read positions and favourites. */
export const conversationListResolvers: Resolvers = {
  ConversationUserQuery: {
    list: async (_, { modifiedSince, first, after }, ctx) =>
      listConversations(await callerOf(ctx).session(), { modifiedSince: modifiedSince ?? null, first: first ?? 50, after: after ?? null }, readOptions(ctx)),
    get: async (_, { id }, ctx) => loadConversation(await callerOf(ctx).session(), id, readOptions(ctx)),
  },
  ConversationUserMutation: {
    markDisplayed: async (_, { with: peer, upTo }, ctx) => markDisplayed(await callerOf(ctx).session(), peer, upTo),
    setFavorite: async (_, { with: peer, favorite }, ctx) => setFavorite(await callerOf(ctx).session(), peer, favorite),
  },
};
