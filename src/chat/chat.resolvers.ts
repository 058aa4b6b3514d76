import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import type { ChatStateName } from "../xmpp/chat-states.js";
import { sendChatState } from "./chat.api.js";

/** chat: typing notifications (corrections, reactions and starting chats come with conversations). */
export const chatResolvers: Resolvers = {
  ChatUserMutation: {
    sendChatState: async (_, { to, state }, ctx) =>
      sendChatState(await callerOf(ctx).session(), to, state.toLowerCase() as ChatStateName),
  },
};
