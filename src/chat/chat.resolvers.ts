import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import type { ChatStateName } from "../xmpp/chat-states.js";
import { sendChatState } from "./chat.api.js";
import { editMessage, react, retractMessage } from "./message-changes.api.js";
import { startChat } from "./start-chat.api.js";

/** chat: typing notifications, corrections, retractions and reactions, and starting a chat. */
export const chatResolvers: Resolvers = {
  ChatUserMutation: {
    sendChatState: async (_, { to, state }, ctx) =>
      sendChatState(await callerOf(ctx).session(), to, state.toLowerCase() as ChatStateName),
    editMessage: async (_, { with: peer, id, body }, ctx) => editMessage(await callerOf(ctx).session(), peer, id, body),
    retractMessage: async (_, { with: peer, id }, ctx) => retractMessage(await callerOf(ctx).session(), peer, id),
    react: async (_, { with: peer, id, emojis }, ctx) => react(await callerOf(ctx).session(), peer, id, emojis),
    startChat: async (_, { invitees, message, subject, mucDomain }, ctx) =>
      startChat(await callerOf(ctx).session(), { invitees, message, subject, mucDomain }, { timeoutMs: ctx.services.config.xmpp.iqTimeoutMs }),
  },
};
