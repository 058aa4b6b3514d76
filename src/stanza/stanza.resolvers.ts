import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import type { MessageEvent } from "./stanza.models.js";
import { mapIterator } from "./message-stream.js";
import { getLastMessages, sendChatMessage, sendHeadlineMessage, sendRawStanza } from "./stanza.api.js";
import { openLiveFeed, type FeedEvent } from "./live-feed.js";

type MessageFeedEvent = Extract<FeedEvent, { record: unknown }>;

// A failure with `last` ends the stream; a gap (messages possibly missed) does not.
type SubscriptionPayload = { stanza: MessageEvent } | { failure: unknown; last?: true };

/** stanza: sending messages, reading the archive, and the live message subscription. */
export const stanzaResolvers: Resolvers = {
  StanzaUserQuery: {
    getLastMessages: async (_, args, ctx) =>
      getLastMessages(await callerOf(ctx).session(), { with: args.with, before: args.before, limit: args.limit }),
  },
  StanzaUserMutation: {
    sendMessage: async (_, { from, to, body }, ctx) => sendChatMessage(await callerOf(ctx).session(), from, to, body),
    sendMessageHeadLine: async (_, { from, to, subject, body }, ctx) =>
      sendHeadlineMessage(await callerOf(ctx).session(), from, to, subject, body),
    sendStanza: async (_, { stanza }, ctx) => sendRawStanza(await callerOf(ctx).session(), stanza),
  },
  StanzaUserSubscription: {
    subscribeForMessages: (event) => event.subscribeForMessages,
  },
  UserSubscription: {
    // graphql-js runs `subscribe` on root fields only, so the root field owns the stream.
    stanza: {
      subscribe: async (_, __, ctx) => {
        const caller = callerOf(ctx);
        const feed = await openLiveFeed({
          openSession: () => caller.session(),
          pin: (session) => ctx.services.pool.pin(session),
          reconnect: ctx.services.config.subscriptions.reconnect,
          buffer: ctx.services.config.subscriptions.buffer,
          reproveEveryMs: ctx.services.config.pool.credentialRecheckMs,
        });
        return mapIterator(
          feed,
          // This feed carries incoming messages and gaps only (no `include`).
          (event): SubscriptionPayload => ("gap" in event ? { failure: event.gap } : { stanza: { subscribeForMessages: (event as MessageFeedEvent).record } }),
          (error): SubscriptionPayload => ({ failure: error, last: true }),
        );
      },
      // A failed stream's last event carries the error: it reaches the client as a GraphQL error.
      resolve: (payload: SubscriptionPayload) => {
        if ("failure" in payload) throw payload.failure;
        return payload.stanza;
      },
    },
  },
};
