import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { conversationMessages } from "./history.api.js";

/** conversations: one conversation's history, changes folded in (the list comes with its own issue item). */
export const historyResolvers: Resolvers = {
  ConversationUserQuery: {
    messages: async (_, { with: peer, before, after, first }, ctx) =>
      conversationMessages(await callerOf(ctx).session(), peer, { before, after, first: first ?? 50 }),
  },
};
