import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { openLiveFeed, type FeedEvent, type LiveFeedOptions } from "../stanza/live-feed.js";
import { flatMapIterator } from "../stanza/message-stream.js";
import { presenceBookOf } from "../presence/presence-book.js";
import type { ContactPresence, EventType } from "../generated/graphql.js";
import { classifyMessage } from "./classify-message.js";
import { classifyPresence, RoomOccupants, type PresenceState } from "./classify-presence.js";
import { classifyPush } from "./classify-push.js";
import type { ChatEvent } from "./event.models.js";
import { ChangeTargets } from "./change-targets.js";
import { buildRosterGet } from "../roster/roster.stanzas.js";
import { buildBlocklistGet } from "../blocking/blocking.stanzas.js";
import { followRooms } from "../muc-light/muc-light.api.js";
import { MucOccupancy } from "../muc/muc.occupancy.js";
import { isOwnArchived } from "../conversations/fold-history.js";
import { bareOf } from "../xmpp/jid.js";

/** A stream's failure as its last value: the transport reports it as a GraphQL error. */
export type StreamItem = { event: ChatEvent } | { failure: unknown };

export interface EventStreamOptions extends Pick<LiveFeedOptions, "openSession" | "pin" | "reconnect" | "buffer" | "since" | "reproveEveryMs"> {
  /** Only these kinds (RESYNC always passes); all when undefined. */
  types?: readonly EventType[];
}

// Archive ids are opaque, but every server's are short and URL-safe; anything else
// cannot be one, and is refused before the stream starts.
const CURSOR = /^[A-Za-z0-9_.:+=\/-]{1,128}$/;

/**
 * Checks a resume cursor's shape.
 * @throws ApiError `invalid_input` (field `since`) for something that cannot be a cursor.
 */
export function checkCursor(since: string): void {
  if (!CURSOR.test(since)) throw new ApiError("invalid_input", "`since` is not a cursor of this stream (use an event's `cursor`)", { field: "since" });
}

/** The stanzas beside messages that mean events: presence, and pushes. */
function carriesEvents(stanza: Element): boolean {
  return stanza.name === "presence" || (stanza.name === "iq" && stanza.attrs.type === "set");
}

/**
 * Servers push roster and block list changes only to "interested" resources, those that
 * asked for the list in this session (RFC 6121 §2.1.6, XEP-0191 §3.3). A server without
 * XEP-0191 refuses the second request; the stream then simply has no blocking events.
 */
async function becomeInterested(session: XmppSession): Promise<void> {
  await Promise.all([session.iq(buildRosterGet()), session.iq(buildBlocklistGet()).catch(() => undefined)]);
}

/**
 * Everything that makes the server send the session what the stream carries. Beside the
 * pushes, the messages of the user's MUC Light rooms: the session enters them (in the
 * background: a stream does not wait for rooms), as a MUC Light member receives them.
 */
async function prepareSession(session: XmppSession): Promise<void> {
  await becomeInterested(session);
  void followRooms(session);
}

/**
 * The caller's event stream: the live feed (messages in and out, archived replay after a
 * cursor or a fault) with presence and pushes, each turned into chat events and filtered.
 * Starts with a snapshot of the contacts' presence known so far; the rest of the
 * snapshot arrives as the server answers the session's initial presence.
 */
export async function openEventStream(options: EventStreamOptions): Promise<AsyncIterableIterator<StreamItem>> {
  if (options.since !== undefined) checkCursor(options.since);
  let state: PresenceState | undefined;
  let known: ContactPresence[] = [];
  let current: XmppSession | undefined;
  const openSession = async (): Promise<XmppSession> => {
    const session = await options.openSession();
    // The feed also calls this to present the credential again: same session, same state.
    if (session === current) return session;
    current = session;
    // The contacts' presence belongs to the session, and is shared by every stream on it;
    // asked for before the stream makes the session available, so it hears the answer.
    // A new session starts over: the server sends every contact's presence again.
    const book = presenceBookOf(session);
    if (!state) {
      state = { ownBareJid: session.bareJid, book, occupants: new RoomOccupants() };
      // What another stream already made the session hear: the server will not send it
      // again. Taken before the feed listens (no stanza is read in between), so the feed
      // delivers exactly what comes after it.
      known = book.online(session.bareJid);
    } else {
      state.book = book;
      state.occupants.clear();
    }
    return session;
  };
  const feed = await openLiveFeed({ ...options, openSession, prepare: prepareSession, include: { outgoing: true, stanza: carriesEvents } });
  const wanted = options.types ? new Set<string>([...options.types, "RESYNC"]) : undefined;
  const targets = new ChangeTargets();

  const toEvents = (item: FeedEvent): ChatEvent[] => {
    const now = new Date();
    if ("gap" in item) return [{ __typename: "ResyncEvent", type: "RESYNC", cursor: null, at: now, replayed: false, reason: item.gap.code }];
    const own = state!;
    if ("record" in item) {
      const { record, replayed } = item;
      // A room echoes the user's own messages from the user's nick: those are outgoing too,
      // as conversations.messages reports them.
      const outgoing = item.outgoing || (current !== undefined && isOwnRoomEcho(current, record.stanza, own.ownBareJid));
      const events = classifyMessage({
        message: record.stanza, ownBareJid: own.ownBareJid, outgoing, archiveId: record.archiveId ?? null, timestamp: record.timestamp, replayed,
        isEntrySubject: (room) => own.occupants.takeEntrySubject(room),
      });
      // Before the type filter: a message the client did not ask for still names later changes.
      return events.map((e) => targets.apply(e));
    }
    return item.stanza.name === "presence" ? classifyPresence(item.stanza, own, now) : classifyPush(item.stanza, own.ownBareJid, now);
  };
  /** An invitation to a MUC Light room makes the user a member: its messages should come too. */
  const follow = (events: ChatEvent[]): ChatEvent[] => {
    for (const e of events) if (e.__typename === "RoomEvent" && e.kind === "INVITATION" && !e.replayed && current) void followRooms(current, [e.room]);
    return events;
  };
  const pass = (events: ChatEvent[]): StreamItem[] => events.filter((e) => !wanted || wanted.has(e.type)).map((event) => ({ event }));
  const at = new Date();
  const snapshot = pass(known.map((presence): ChatEvent => ({ __typename: "PresenceEvent", type: "PRESENCE", cursor: null, at, replayed: false, presence })));
  return prefixIterator(snapshot, flatMapIterator<FeedEvent, StreamItem>(feed, (item) => pass(follow(toEvents(item))), (failure) => ({ failure })));
}

/** `rest`, after `first`; returning or throwing into it ends `rest` too. */
function prefixIterator<T>(first: readonly T[], rest: AsyncIterableIterator<T>): AsyncIterableIterator<T> {
  let index = 0;
  return {
    next: () => (index < first.length ? Promise.resolve({ value: first[index++]!, done: false }) : rest.next()),
    return: (value?: unknown) => rest.return?.(value) ?? Promise.resolve({ value: undefined, done: true }),
    throw: (error?: unknown) => rest.throw?.(error) ?? Promise.reject(error),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Whether a groupchat message comes from the user's own nick in a room the session is in. */
function isOwnRoomEcho(session: XmppSession, stanza: Element, ownBareJid: string): boolean {
  const from = stanza.attrs.from;
  if (stanza.attrs.type !== "groupchat" || !from) return false;
  const room = bareOf(from);
  return isOwnArchived(stanza, { ownBareJid, room, ownNick: MucOccupancy.of(session).get(room)?.nick ?? null });
}
