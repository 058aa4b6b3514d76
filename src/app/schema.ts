import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import type { Resolvers } from "../generated/graphql.js";
import { loadTypeDefs } from "../graphql/schema.js";
import { addNotImplementedResolvers, rootResolvers } from "../graphql/resolvers.js";
import { scalarResolvers } from "../scalars/index.js";
import { rosterResolvers } from "../roster/roster.resolvers.js";
import { stanzaResolvers } from "../stanza/stanza.resolvers.js";
import { vcardResolvers } from "../vcard/vcard.resolvers.js";
import { lastResolvers } from "../last/last.resolvers.js";
import { privateResolvers } from "../private/private.resolvers.js";
import { accountResolvers } from "../account/account.resolvers.js";
import { sessionResolvers } from "../session/session.resolvers.js";
import { httpUploadResolvers } from "../http-upload/http-upload.resolvers.js";
import { inboxResolvers } from "../inbox/inbox.resolvers.js";
import { mucResolvers } from "../muc/muc.resolvers.js";
import { mucLightResolvers } from "../muc-light/muc-light.resolvers.js";
import { tokenResolvers } from "../token/token.resolvers.js";
import { eventsResolvers } from "../events/events.resolvers.js";
import { blockingResolvers } from "../blocking/blocking.resolvers.js";
import { chatResolvers } from "../chat/chat.resolvers.js";
import { presenceResolvers } from "../presence/presence.resolvers.js";
import { historyResolvers } from "../conversations/history.resolvers.js";
import { conversationListResolvers } from "../conversations/conversation-list.resolvers.js";
import { roomDataResolvers } from "../conversations/room-data.resolvers.js";

/**
 * Builds the executable schema: the SDL plus every domain's resolvers. This is the one
 * place that knows all domains; operation fields without a resolver answer not_implemented.
 */
export function createSchema(): GraphQLSchema {
  const resolvers: Resolvers[] = [
    rootResolvers, scalarResolvers as Resolvers, rosterResolvers, stanzaResolvers, vcardResolvers, lastResolvers,
    privateResolvers, accountResolvers, sessionResolvers, httpUploadResolvers, inboxResolvers, mucResolvers,
    mucLightResolvers, tokenResolvers, eventsResolvers, blockingResolvers, chatResolvers, presenceResolvers, historyResolvers,
    conversationListResolvers, roomDataResolvers,
  ];
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  addNotImplementedResolvers(schema);
  return schema;
}
