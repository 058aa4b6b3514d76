import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { getVcard, setVcard } from "./vcard.api.js";
import { agentTypeName, imageTypeName, soundTypeName } from "./vcard.stanzas.js";

/** vcard: reading and publishing vCards (XEP-0054 vcard-temp). */
export const vcardResolvers: Resolvers = {
  VcardUserQuery: {
    getVcard: async (_, { user }, ctx) => getVcard(await callerOf(ctx).session(), user),
  },
  VcardUserMutation: {
    setVcard: async (_, { vcard }, ctx) => setVcard(await callerOf(ctx).session(), vcard),
  },
  Image: { __resolveType: (image) => imageTypeName(image) },
  Sound: { __resolveType: (sound) => soundTypeName(sound) },
  Agent: { __resolveType: (agent) => agentTypeName(agent) },
};
