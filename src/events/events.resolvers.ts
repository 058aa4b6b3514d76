import type { Resolvers } from "../generated/graphql.js";
import { callerOf } from "../graphql/caller.js";
import { nestedFieldArguments } from "../graphql/nested-arguments.js";
import type { EventType } from "../generated/graphql.js";
import { openEventStream, type StreamItem } from "./event-stream.js";

/** events: the caller's one live, resumable event stream. */
export const eventsResolvers: Resolvers = {
  UserSubscription: {
    // graphql-js runs `subscribe` on root fields only, so the root field owns the stream.
    events: {
      subscribe: async (_, __, ctx, info) => {
        const caller = callerOf(ctx);
        const args = nestedFieldArguments(info, "stream") as { since?: string | null; types?: EventType[] | null };
        return openEventStream({
          openSession: () => caller.session(),
          pin: (session) => ctx.services.pool.pin(session),
          reconnect: ctx.services.config.subscriptions.reconnect,
          buffer: ctx.services.config.subscriptions.buffer,
          reproveEveryMs: ctx.services.config.pool.credentialRecheckMs,
          // An explicit `since` wins over the transport's resume position (SSE Last-Event-ID).
          ...((args.since ?? ctx.resumeFrom) != null && { since: (args.since ?? ctx.resumeFrom)! }),
          ...(args.types != null && { types: args.types }),
        });
      },
      // A failed stream's last item carries the error: it reaches the client as a GraphQL error.
      resolve: (item: StreamItem) => {
        if ("failure" in item) throw item.failure;
        return { event: item.event };
      },
    },
  },
  EventsUserSubscription: {
    stream: (parent) => parent.event,
  },
};

/**
 * The SSE id of an `events.stream` result: the event's cursor, so that a browser's
 * EventSource resumes with `Last-Event-ID` after a drop; null (no id line) for events
 * without one; undefined for other subscriptions, which keep MongooseIM's running count.
 */
export function eventsSseId(result: { data?: unknown }): string | null | undefined {
  const stream = (result.data as { events?: { stream?: { cursor?: unknown } | null } } | null | undefined)?.events?.stream;
  if (stream === undefined || stream === null) return undefined;
  return typeof stream.cursor === "string" ? stream.cursor : null;
}
