import type { Resolvers } from "../generated/graphql.js";
import { callerOf, settleEach } from "../graphql/caller.js";
import { addContact, changeSubscription, deleteContact, getContact, listContacts } from "./roster.api.js";
import { bareOf } from "../xmpp/jid.js";

/** roster: the caller's contact list (RFC 6121). */
export const rosterResolvers: Resolvers = {
  RosterUserQuery: {
    listContacts: async (_, __, ctx) => listContacts(await callerOf(ctx).session()),
    getContact: async (_, { contact }, ctx) => getContact(await callerOf(ctx).session(), bareOf(contact)),
  },
  RosterUserMutation: {
    addContact: async (_, { contact, name, groups }, ctx) =>
      addContact(await callerOf(ctx).session(), bareOf(contact), name, groups),
    addContacts: async (_, { contacts }, ctx) => {
      const session = await callerOf(ctx).session();
      // graphql-js reports each Error item as null with its own indexed error.
      return (await settleEach(contacts, (c) => addContact(session, bareOf(c.jid), c.name, c.groups))) as string[];
    },
    subscription: async (_, { contact, action }, ctx) =>
      changeSubscription(await callerOf(ctx).session(), bareOf(contact), action),
    deleteContact: async (_, { contact }, ctx) => deleteContact(await callerOf(ctx).session(), bareOf(contact)),
    deleteContacts: async (_, { contacts }, ctx) => {
      const session = await callerOf(ctx).session();
      return (await settleEach(contacts, (c) => deleteContact(session, bareOf(c)))) as string[];
    },
  },
};
