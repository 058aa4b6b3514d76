import type { Resolvers } from "../generated/graphql.js";
import { callerOf, settleEach } from "../graphql/caller.js";
import { addContact, changeSubscription, deleteContact, getContact, listContacts } from "./roster.api.js";

/** roster: the caller's contact list (RFC 6121). */
export const rosterResolvers: Resolvers = {
  RosterUserQuery: {
    listContacts: async (_, __, ctx) => listContacts(await callerOf(ctx).session()),
    getContact: async (_, { contact }, ctx) => getContact(await callerOf(ctx).session(), bare(contact)),
  },
  RosterUserMutation: {
    addContact: async (_, { contact, name, groups }, ctx) =>
      addContact(await callerOf(ctx).session(), bare(contact), name, groups),
    addContacts: async (_, { contacts }, ctx) => {
      const session = await callerOf(ctx).session();
      // graphql-js reports each Error item as null with its own indexed error.
      return (await settleEach(contacts, (c) => addContact(session, bare(c.jid), c.name, c.groups))) as string[];
    },
    subscription: async (_, { contact, action }, ctx) =>
      changeSubscription(await callerOf(ctx).session(), bare(contact), action),
    deleteContact: async (_, { contact }, ctx) => deleteContact(await callerOf(ctx).session(), bare(contact)),
    deleteContacts: async (_, { contacts }, ctx) => {
      const session = await callerOf(ctx).session();
      return (await settleEach(contacts, (c) => deleteContact(session, bare(c)))) as string[];
    },
  },
};

/** Roster items are kept by bare JID (RFC 6121 §2.1.2.4); a resource in the argument is dropped. */
function bare(jid: string): string {
  return jid.split("/")[0]!;
}
