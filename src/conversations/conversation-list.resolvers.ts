import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import type { GraphQLContext } from "../graphql/context.js";
import { listConversations, loadConversation, markDisplayed, setFavorite } from "./conversation-list.api.js";
import { roomIcon } from "./room-data.api.js";

const readOptions = (ctx: GraphQLContext) => ({ freshnessMs: ctx.services.config.conversations.freshnessMs });

/** conversations: the list, one conversation, read positions and favourites. */
export const conversationListResolvers: Resolvers = {
  ConversationUserQuery: {
    list: async (_, { modifiedSince, first, after }, ctx) =>
      listConversations(await callerOf(ctx).session(), { modifiedSince: modifiedSince ?? null, first: first ?? 50, after: after ?? null }, readOptions(ctx)),
    get: async (_, { id }, ctx) => loadConversation(await callerOf(ctx).session(), id, readOptions(ctx)),
  },
  Conversation: {
    // A room's icon (up to 64 KiB) is not kept in the index: it is read from the room only
    // when a client asks for it. A room that cannot be read shows no icon rather than
    // failing the whole list.
    icon: async (conversation, _, ctx) =>
      conversation.icon ?? (conversation.kind === "ROOM" ? roomIcon(await callerOf(ctx).session(), conversation.id).catch(() => null) : null),
  },
  ConversationUserMutation: {
    markDisplayed: async (_, { with: peer, upTo }, ctx) => markDisplayed(await callerOf(ctx).session(), peer, upTo),
    setFavorite: async (_, { with: peer, favorite }, ctx) => setFavorite(await callerOf(ctx).session(), peer, favorite),
  },
};
