import type { Resolvers } from "../generated/graphql.js";
import type { GraphQLContext } from "../graphql/context.js";
import { callerOf } from "../graphql/caller.js";
import { getBlockingList, setBlockingList } from "../blocking/blocking.api.js";
import {
  changeRoomConfiguration, createRoom, deleteRoom, getRoomConfig, getRoomMessages, inviteUser, kickUser, listRooms,
  listRoomUsers, sendMessageToRoom, type MucLightOptions,
} from "./muc-light.api.js";

/**
 * muc_light: MongooseIM's MUC Light, mapped onto XEP-0045 rooms (muc-light.mapping.ts);
 * the blocking list maps onto XEP-0191.
 */
export const mucLightResolvers: Resolvers = {
  MUCLightUserQuery: {
    getBlockingList: async (_, __, ctx) => getBlockingList(await session(ctx)),
    getRoomConfig: async (_, { room }, ctx) => getRoomConfig(await session(ctx), room),
    listRoomUsers: async (_, { room }, ctx) => listRoomUsers(await session(ctx), room),
    listRooms: async (_, __, ctx) => listRooms(await session(ctx)),
    getRoomMessages: async (_, { room, pageSize, before }, ctx) => getRoomMessages(await session(ctx), room, pageSize, before),
  },
  MUCLightUserMutation: {
    setBlockingList: async (_, { items }, ctx) =>
      setBlockingList(await session(ctx), items.map((i) => ({ entityType: i.entityType, action: i.action ?? "DENY", entity: i.entity }))),
    createRoom: async (_, { mucDomain, name, subject, id, options }, ctx) =>
      createRoom(await session(ctx), mucDomain, name, subject, id, options, timeouts(ctx)),
    changeRoomConfiguration: async (_, { room, name, subject, options }, ctx) =>
      changeRoomConfiguration(await session(ctx), room, name, subject, options, timeouts(ctx)),
    inviteUser: async (_, { room, recipient }, ctx) => inviteUser(await session(ctx), room, recipient, timeouts(ctx)),
    kickUser: async (_, { room, user }, ctx) => kickUser(await session(ctx), room, user),
    deleteRoom: async (_, { room }, ctx) => deleteRoom(await session(ctx), room),
    sendMessageToRoom: async (_, { room, body }, ctx) => sendMessageToRoom(await session(ctx), room, body, timeouts(ctx)),
  },
};

function session(ctx: GraphQLContext) {
  return callerOf(ctx).session();
}

function timeouts(ctx: GraphQLContext): MucLightOptions {
  return { timeoutMs: ctx.services.config.xmpp.iqTimeoutMs };
}
