import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { getContactsPresence, getOwnPresence, setPresence } from "./presence.api.js";

/** presence: the caller's own presence and the contacts' (chat-app extension). */
export const presenceResolvers: Resolvers = {
  PresenceUserQuery: {
    contacts: async (_, { contacts }, ctx) => getContactsPresence(await callerOf(ctx).session(), contacts),
    own: async (_, __, ctx) => getOwnPresence(await callerOf(ctx).session()),
  },
  PresenceUserMutation: {
    setPresence: async (_, args, ctx) => setPresence(await callerOf(ctx).session(), args),
  },
};
