import type { MessageModel } from "../events/event.models.js";
import type { Reaction } from "../generated/graphql.js";
import type { StanzaRecord } from "../xmpp/messages.js";
import { bareOf } from "../xmpp/jid.js";
import { aggregateReactions, classifyArchived, isOwnArchived, pointerIdsOf, type HistoryScope } from "./fold-history.js";

/*
 * The conversation index: what the conversation list needs of each conversation, folded
 * incrementally from archive entries (XEP-0313). Pure: the list api decides which entries
 * to read and where the index is kept, this decides what they change.
 */

/** One conversation as the index keeps it. */
export interface ConversationEntry {
  /** The peer's or the room's bare JID, lower-case. */
  id: string;
  kind: "ONE_TO_ONE" | "ROOM";
  /** The newest message with a body, changes folded in. */
  last: MessageModel | null;
  /** The ids changes use to point at `last` (its archive id, its sender's id / origin-id). */
  lastPointers: string[];
  /** Timestamp of the newest message folded. */
  lastActivity: Date | null;
  unread: number;
  lastReadId: string | null;
  favorite: boolean;
  /** When the index learned the entry's latest change (gateway clock, see {@link stampOf}). */
  modifiedAt: number;
  /**
   * The newest message already considered for `unread` and the archive ids of that same
   * second: folding one message twice (a retried write, two gateway instances) never
   * counts it twice.
   */
  seenAt: Date | null;
  seenIds: string[];
  /** Rooms: the room's name, subject, the user's nick there and the room archive's cursor. */
  name: string | null;
  subject: string | null;
  nick: string | null;
  cursor: string | null;
}

/** The whole index: the user's archive cursor and the entries by id. */
export interface ConversationIndex {
  /** The last archive id of the user's archive folded in (null: never built). */
  cursor: string | null;
  /** Set once the first full scan is done. */
  built: boolean;
  entries: Map<string, ConversationEntry>;
}

/**
 * The stamp of a change the index learns at `ms`: the end of that second. DateTime values
 * go out to the second, so a watermark taken at `w` reads back as floor(w); every change
 * learned at or after `w` is stamped above floor(w) and is never missed by
 * `modifiedSince` (one learned earlier in that same second may come back twice).
 */
export function stampOf(ms: number): number {
  return (Math.floor(ms / 1000) + 1) * 1000;
}

/** An empty entry for conversation `id`. */
export function newEntry(id: string, kind: ConversationEntry["kind"], now: number): ConversationEntry {
  return {
    id: id.toLowerCase(), kind, last: null, lastPointers: [], lastActivity: null, unread: 0, lastReadId: null, favorite: false,
    modifiedAt: now, seenAt: null, seenIds: [], name: null, subject: null, nick: null, cursor: null,
  };
}

/** An empty index, never built. */
export function emptyIndex(): ConversationIndex {
  return { cursor: null, built: false, entries: new Map() };
}

const secondOf = (d: Date) => Math.floor(d.getTime() / 1000);

/**
 * Whether a message at `at` with archive id `id` is new to the unread count of `entry`:
 * newer than the second last seen, or in that second and not among its ids. Archives are
 * ordered by time, so this is exact however often the same entries are folded.
 */
export function isUnseen(entry: ConversationEntry, at: Date, id: string): boolean {
  if (entry.seenAt === null) return true;
  const a = secondOf(at);
  const b = secondOf(entry.seenAt);
  return a > b || (a === b && !entry.seenIds.includes(id));
}

/** Records that the message at `at` with archive id `id` was considered for the unread count. */
export function markSeen(entry: ConversationEntry, at: Date, id: string): void {
  if (entry.seenAt === null || secondOf(at) > secondOf(entry.seenAt)) {
    entry.seenAt = at;
    entry.seenIds = [id];
  } else if (secondOf(at) === secondOf(entry.seenAt) && !entry.seenIds.includes(id)) {
    entry.seenIds.push(id);
  }
}

/** The reactions of a message back as each reactor's set (the inverse of aggregateReactions). */
function reactorSets(reactions: readonly Reaction[]): Map<string, string[]> {
  const sets = new Map<string, string[]>();
  for (const r of reactions) for (const by of r.by) sets.set(by, [...(sets.get(by) ?? []), r.emoji]);
  return sets;
}

const NS_MUC_USER = "http://jabber.org/protocol/muc#user";

/**
 * Where an entry of the user's own archive belongs: the one-to-one chat with a peer, or
 * a room it invites the user to, or nowhere (group chat copies, private messages through
 * a room, errors, messages with the user's own JID or a server).
 * @param ownBareJid the user's bare JID, lower-case.
 */
export function routeOwnRecord(record: StanzaRecord, ownBareJid: string): { kind: "chat"; peer: string } | { kind: "room"; room: string } | null {
  const stanza = record.stanza;
  if (stanza.attrs.type === "groupchat" || stanza.attrs.type === "error") return null;
  const scope: HistoryScope = { ownBareJid, room: null, ownNick: null };
  const invitation = classifyArchived(record, scope).find((e) => e.__typename === "RoomEvent" && e.kind === "INVITATION");
  if (invitation?.__typename === "RoomEvent") return { kind: "room", room: invitation.room.toLowerCase() };
  if (stanza.getChild("x", NS_MUC_USER)) return null;
  const other = isOwnArchived(stanza, scope) ? stanza.attrs.to : stanza.attrs.from;
  if (!other) return null;
  const peer = bareOf(other).toLowerCase();
  return peer === ownBareJid || !peer.includes("@") ? null : { kind: "chat", peer };
}

/**
 * Folds archive entries (oldest first) of one conversation into its entry: the newest
 * message with a body becomes `last` (unless an older one arrives late), corrections and
 * retractions of `last` by its sender and reactions to it are applied, other people's
 * messages with a body not yet seen count as unread, and a room's subject changes are
 * kept. Invitations of the user's own archive are not this function's.
 * @returns whether the entry changed (then `modifiedAt` is `now`).
 */
export function foldEntry(entry: ConversationEntry, records: readonly StanzaRecord[], scope: HistoryScope, now: number): boolean {
  let changed = false;
  const sameSender = (a: string, b: string) => (scope.room !== null ? a === b : bareOf(a).toLowerCase() === bareOf(b).toLowerCase());
  for (const record of records) {
    for (const event of classifyArchived(record, scope)) {
      if (event.__typename === "MessageEvent") {
        const message = { ...event.message, conversation: entry.id };
        const id = message.id;
        if (!message.outgoing && isUnseen(entry, message.timestamp, id)) {
          entry.unread++;
          changed = true;
        }
        markSeen(entry, message.timestamp, id);
        if (entry.last === null || message.timestamp >= entry.last.timestamp) {
          if (entry.last?.id !== id) changed = true;
          entry.last = message;
          entry.lastPointers = pointerIdsOf(record, scope);
        }
        if (entry.lastActivity === null || message.timestamp > entry.lastActivity) entry.lastActivity = message.timestamp;
      } else if (event.__typename === "RoomEvent" && event.kind === "SUBJECT" && event.subject !== entry.subject) {
        entry.subject = event.subject;
        changed = true;
      } else if (entry.last !== null && "id" in event && entry.lastPointers.includes(event.id)) {
        const last: MessageModel = entry.last;
        if (event.__typename === "EditEvent" && sameSender(last.from, event.message.from)) {
          entry.last = { ...last, body: event.message.body, edited: true };
          entry.lastPointers = [...new Set([...entry.lastPointers, ...pointerIdsOf(record, scope)])];
          changed = true;
        } else if (event.__typename === "RetractEvent" && sameSender(last.from, event.from)) {
          entry.last = { ...last, body: record.stanza.getChildText("body"), retracted: true };
          changed = true;
        } else if (event.__typename === "ReactionEvent") {
          const sets = reactorSets(last.reactions);
          sets.set(scope.room !== null ? event.from : bareOf(event.from).toLowerCase(), event.emojis);
          entry.last = { ...last, reactions: aggregateReactions(sets) };
          changed = true;
        }
      }
    }
  }
  if (changed) entry.modifiedAt = now;
  return changed;
}

/** A page of the list: entries newest activity first, and the cursor after the last. */
export interface IndexPage {
  entries: ConversationEntry[];
  endCursor: string | null;
  hasMore: boolean;
}

/** The list order: newest activity first (no activity last), then by id. */
export function compareEntries(a: ConversationEntry, b: ConversationEntry): number {
  const ta = a.lastActivity?.getTime() ?? -1;
  const tb = b.lastActivity?.getTime() ?? -1;
  return ta !== tb ? tb - ta : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The opaque paging cursor of an entry: its place in the list order. */
export function cursorOf(entry: ConversationEntry): string {
  return Buffer.from(JSON.stringify([entry.lastActivity?.getTime() ?? -1, entry.id])).toString("base64url");
}

/** The place a cursor names, or null when it is not one of ours. */
export function parseCursor(cursor: string): { lastActivity: Date | null; id: string } | null {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof time !== "number" || typeof id !== "string") return null;
    return { lastActivity: time < 0 ? null : new Date(time), id };
  } catch {
    return null;
  }
}

/**
 * One page of the list: the entries stamped after `modifiedSince` (all without it), in
 * list order, after the place `after` names, at most `first`.
 */
export function pageOf(
  entries: Iterable<ConversationEntry>,
  request: { modifiedSince: Date | null; first: number; after: { lastActivity: Date | null; id: string } | null },
): IndexPage {
  const since = request.modifiedSince?.getTime() ?? null;
  const after = request.after;
  const probe = after ? { ...newEntry(after.id, "ONE_TO_ONE", 0), id: after.id, lastActivity: after.lastActivity } : null;
  const sorted = [...entries]
    .filter((e) => since === null || e.modifiedAt > since)
    .filter((e) => probe === null || compareEntries(probe, e) < 0)
    .sort(compareEntries);
  const page = sorted.slice(0, request.first);
  return { entries: page, endCursor: page.length > 0 ? cursorOf(page.at(-1)!) : null, hasMore: sorted.length > page.length };
}
