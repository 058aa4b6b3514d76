import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { setRoomData } from "./room-data.api.js";

/** conversations: a room's subject and icon. */
export const roomDataResolvers: Resolvers = {
  ConversationUserMutation: {
    setRoomData: async (_, { room, subject, icon, clearIcon }, ctx) =>
      setRoomData(await callerOf(ctx).session(), room, { subject, icon, clearIcon }, { timeoutMs: ctx.services.config.xmpp.iqTimeoutMs }),
  },
};
