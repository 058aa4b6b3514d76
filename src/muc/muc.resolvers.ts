import type { Resolvers } from "../generated/graphql.js";
import type { GraphQLContext } from "../graphql/context.js";
import { callerOf } from "../graphql/caller.js";
import {
  changeRoomConfiguration, createInstantRoom, deleteRoom, enterRoom, exitRoom, getRoomConfig, getRoomMessages, inviteUser,
  kickUser, listRoomAffiliations, listRooms, listRoomUsers, sendMessageToRoom, sendPrivateMessage, setUserAffiliation,
  setUserRole, type MucOptions,
} from "./muc.api.js";

/**
 * muc: XEP-0045 rooms. Every operation acts through the caller's pooled session; a
 * `resource` argument cannot choose another of the user's connections (README,
 * "Differences from MongooseIM"), so it is accepted and not used.
 */
export const mucResolvers: Resolvers = {
  MUCUserQuery: {
    listRooms: async (_, { mucDomain, limit, index }, ctx) => listRooms(await session(ctx), mucDomain, limit, index),
    getRoomConfig: async (_, { room }, ctx) => getRoomConfig(await session(ctx), room),
    listRoomUsers: async (_, { room }, ctx) => listRoomUsers(await session(ctx), room, options(ctx)),
    listRoomAffiliations: async (_, { room, affiliation }, ctx) => listRoomAffiliations(await session(ctx), room, affiliation),
    getRoomMessages: async (_, { room, pageSize, before }, ctx) => getRoomMessages(await session(ctx), room, pageSize, before),
  },
  MUCUserMutation: {
    createInstantRoom: async (_, { room, nick }, ctx) => createInstantRoom(await session(ctx), room, nick, options(ctx)),
    inviteUser: async (_, { room, recipient, reason }, ctx) => inviteUser(await session(ctx), room, recipient, reason),
    kickUser: async (_, { room, nick, reason }, ctx) => kickUser(await session(ctx), room, nick, reason, options(ctx)),
    sendMessageToRoom: async (_, { room, body }, ctx) => sendMessageToRoom(await session(ctx), room, body),
    sendPrivateMessage: async (_, { room, toNick, body }, ctx) => sendPrivateMessage(await session(ctx), room, toNick, body),
    deleteRoom: async (_, { room, reason }, ctx) => deleteRoom(await session(ctx), room, reason),
    changeRoomConfiguration: async (_, { room, config }, ctx) => changeRoomConfiguration(await session(ctx), room, config),
    setUserRole: async (_, { room, nick, role }, ctx) => setUserRole(await session(ctx), room, nick, role),
    setUserAffiliation: async (_, { room, user, affiliation }, ctx) => setUserAffiliation(await session(ctx), room, user, affiliation),
    enterRoom: async (_, { room, nick, password }, ctx) => enterRoom(await session(ctx), room, nick, password, options(ctx)),
    exitRoom: async (_, { room, nick }, ctx) => exitRoom(await session(ctx), room, nick, options(ctx)),
  },
};

function session(ctx: GraphQLContext) {
  return callerOf(ctx).session();
}

function options(ctx: GraphQLContext): MucOptions {
  return { timeoutMs: ctx.services.config.xmpp.iqTimeoutMs };
}
