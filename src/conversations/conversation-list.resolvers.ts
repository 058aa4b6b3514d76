import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { listConversations, loadConversation, markDisplayed, setFavorite } from "./conversation-list.api.js";

/** conversations: the list, one conversation, read positions and favourites. */
export const conversationListResolvers: Resolvers = {
  ConversationUserQuery: {
    list: async (_, { modifiedSince, first, after }, ctx) =>
      listConversations(await callerOf(ctx).session(), { modifiedSince: modifiedSince ?? null, first: first ?? 50, after: after ?? null }),
    get: async (_, { id }, ctx) => loadConversation(await callerOf(ctx).session(), id),
  },
  ConversationUserMutation: {
    markDisplayed: async (_, { with: peer, upTo }, ctx) => markDisplayed(await callerOf(ctx).session(), peer, upTo),
    setFavorite: async (_, { with: peer, favorite }, ctx) => setFavorite(await callerOf(ctx).session(), peer, favorite),
  },
};
