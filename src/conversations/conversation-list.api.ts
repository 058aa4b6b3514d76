import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { orApiError } from "../errors/map-error.js";
import { StanzaError } from "../xmpp/errors.js";
import type { MessageModel } from "../events/event.models.js";
import { readPrivateRecord, writePrivateRecord } from "../private/private-record.js";
import { scanArchive } from "../xmpp/archive-scan.js";
import { queryArchive } from "../xmpp/mam.js";
import { discoInfo, isRoomJid } from "../xmpp/disco.js";
import { newStanzaId } from "../xmpp/messages.js";
import { NS_MDS, buildDisplayedItemsGet, buildDisplayedMarker, buildDisplayedPayload, parseDisplayedItems, type DisplayedPosition } from "../xmpp/markers.js";
import { publishOwnerOnly } from "../xmpp/pep.js";
import { NS_BOOKMARKS, buildBookmarksGet, hasExtension, newConference, parseBookmarks, withExtension, type Bookmark } from "../xmpp/bookmarks.js";
import { buildServerPing } from "../xmpp/ping.js";
import { mapLimit } from "../util/map-limit.js";
import { MucOccupancy } from "../muc/muc.occupancy.js";
import { parseRoomInfo } from "../muc/muc.stanzas.js";
import { roomSubjectOf } from "../muc-light/muc-light.mapping.js";
import { readRoster } from "../roster/roster.api.js";
import { recordedRooms } from "../muc-light/muc-light.rooms.js";
import { classifyArchived, type HistoryScope } from "./fold-history.js";
import { findConversationMessage } from "./history.api.js";
import { HISTORY_ERRORS } from "./history.errors.js";
import {
  foldEntry, markSeen, newEntry, pageOf, parseCursor, routeOwnRecord, stampOf,
  type ConversationEntry, type ConversationIndex,
} from "./conversation-index.js";
import {
  INDEX_ELEMENT, NS_CONVERSATIONS, SHARDS, buildHead, buildShard, indexFrom, parseHead, shardNamespace, shardOf,
  type IndexHead,
} from "./conversation-store.js";
import { CONVERSATION_ERRORS, CONVERSATION_MESSAGES, conversationNotFound } from "./conversation-list.errors.js";

/*
 * The conversation list (`conversations.list` / `get`) and the changes to it
 * (`markDisplayed`, `setFavorite`). Each request brings the user's conversation index up
 * to date — the user's archive and each room's archive after their stored cursors, the
 * read positions (XEP-0490) and bookmarks (XEP-0402) — and stores what changed in the
 * user's private storage, so that a restart or another gateway instance sees the same
 * list. The index loaded is kept for the session; a revision in the stored head says
 * when another instance changed it. See docs/conversations.md.
 */

/** The largest page of the list. */
export const MAX_LIST_PAGE = 100;
/** How many room archives are read at once. */
const ROOM_CONCURRENCY = 8;
/** Pages of 50 read at most to recount a conversation after its read position moved. */
const RECOUNT_PAGES = 10;
/** The element that marks a bookmark as a favourite, in its `<extensions/>`. */
const FAVORITE = "favorite";

/** One conversation as the API returns it. */
export interface ConversationModel {
  id: string;
  kind: "ONE_TO_ONE" | "ROOM";
  name: string | null;
  subject: string | null;
  icon: string | null;
  lastMessage: MessageModel | null;
  lastActivity: Date | null;
  unreadCount: number;
  lastReadId: string | null;
  isFavorite: boolean;
}

/** A page of the list. */
export interface ConversationPageModel {
  items: ConversationModel[];
  endCursor: string | null;
  hasMore: boolean;
  modifiedBefore: Date;
}

/**
 * The index the session holds, the revision of the stored one it was loaded from or saved
 * as, and the last complete refresh: its watermark and the roster names it read.
 */
interface Holder {
  index: ConversationIndex | null;
  rev: string | null;
  refreshed: { watermark: Date; names: Map<string, string> } | null;
}

/** One refresh of the index: what it read besides, and what it changed. */
interface Fresh {
  index: ConversationIndex;
  /** Taken before anything was read: every change learned later is stamped later. */
  watermark: Date;
  now: number;
  /** Entries to store again. */
  dirty: Set<string>;
  headChanged: boolean;
  names: Map<string, string>;
  bookmarks: Map<string, Bookmark>;
}

const holderOf = (session: XmppSession) => session.memo.own<Holder>("conversations:index", () => ({ index: null, rev: null, refreshed: null }));
const lower = (jid: string) => jid.toLowerCase();

/** An empty list when a PEP node is absent (item-not-found) or PEP is missing: nothing stored there. */
async function pepItems<T>(session: XmppSession, get: () => Promise<T[]>): Promise<T[]> {
  try {
    return await get();
  } catch (error) {
    if (error instanceof StanzaError) return [];
    throw error;
  }
}

/** The stored index: its shards, read at once, under `head`. */
async function loadIndex(session: XmppSession, head: IndexHead): Promise<ConversationIndex> {
  const shards = await Promise.all(
    Array.from({ length: SHARDS }, (_, i) => readPrivateRecord(session, INDEX_ELEMENT, shardNamespace(i))),
  );
  return indexFrom(head, shards);
}

function scopeOf(session: XmppSession, entry: ConversationEntry): HistoryScope {
  if (entry.kind === "ONE_TO_ONE") return { ownBareJid: lower(session.bareJid), room: null, ownNick: null };
  return { ownBareJid: lower(session.bareJid), room: entry.id, ownNick: MucOccupancy.of(session).get(entry.id)?.nick ?? entry.nick };
}

function ensureEntry(fresh: Fresh, id: string, kind: ConversationEntry["kind"]): { entry: ConversationEntry; created: boolean } {
  const existing = fresh.index.entries.get(lower(id));
  if (existing) return { entry: existing, created: false };
  const entry = newEntry(id, kind, fresh.now);
  fresh.index.entries.set(entry.id, entry);
  fresh.dirty.add(entry.id);
  return { entry, created: true };
}

/** Folds a page of the user's own archive: one-to-one messages into their chats, invitations into rooms. */
function foldOwnPage(session: XmppSession, fresh: Fresh, records: Parameters<typeof foldEntry>[1]): void {
  const own = lower(session.bareJid);
  const byPeer = new Map<string, typeof records[number][]>();
  for (const record of records) {
    const route = routeOwnRecord(record, own);
    if (route?.kind === "chat") byPeer.set(route.peer, [...(byPeer.get(route.peer) ?? []), record]);
    else if (route?.kind === "room") ensureEntry(fresh, route.room, "ROOM");
  }
  const scope: HistoryScope = { ownBareJid: own, room: null, ownNick: null };
  for (const [peer, peerRecords] of byPeer) {
    const known = fresh.index.entries.get(peer);
    const entry = known ?? newEntry(peer, "ONE_TO_ONE", fresh.now);
    const changed = foldEntry(entry, peerRecords, scope, fresh.now);
    // A chat is listed from its first message with a body; markers alone do not make one.
    if (!known && entry.last === null) continue;
    fresh.index.entries.set(entry.id, entry);
    if (changed || !known) fresh.dirty.add(entry.id);
  }
}

/** Whether a room's archive refusal means the user is no longer in it (or it is gone). */
function isGone(error: unknown): boolean {
  return error instanceof StanzaError
    && ["item-not-found", "forbidden", "registration-required", "remote-server-not-found", "not-authorized", "gone"].includes(error.condition);
}

/** Folds each room's archive after its own cursor; rooms the user left (not bookmarked) are dropped. */
async function foldRooms(session: XmppSession, fresh: Fresh, unnamed: Set<string>): Promise<void> {
  const rooms = [...fresh.index.entries.values()].filter((e) => e.kind === "ROOM");
  await mapLimit(rooms, ROOM_CONCURRENCY, async (entry) => {
    try {
      if (unnamed.has(entry.id)) {
        const info = parseRoomInfo(await discoInfo(session, entry.id));
        if (info.name !== entry.name) entry.name = info.name;
        // The current subject as the room tells it: a room whose archive keeps no subject
        // change (Prosody's) would otherwise show none until the next change.
        const subject = roomSubjectOf(info);
        if (entry.subject === null && subject !== null) {
          entry.subject = subject;
          fresh.dirty.add(entry.id);
        }
      }
      const nick = MucOccupancy.of(session).get(entry.id)?.nick ?? null;
      if (nick !== null && nick !== entry.nick) {
        entry.nick = nick;
        fresh.dirty.add(entry.id);
      }
      const scope = scopeOf(session, entry);
      const scan = await scanArchive(session, { to: entry.id }, entry.cursor, (records) => {
        if (foldEntry(entry, records, scope, fresh.now)) fresh.dirty.add(entry.id);
      });
      if (scan.cursor !== entry.cursor) {
        entry.cursor = scan.cursor;
        fresh.dirty.add(entry.id);
      }
    } catch (error) {
      if (isGone(error) && !fresh.bookmarks.has(entry.id)) {
        fresh.index.entries.delete(entry.id);
        fresh.dirty.add(entry.id);
        return;
      }
      if (!(error instanceof StanzaError)) throw error;
      // Any other refusal: keep what is known; the next request tries again.
    }
  });
}

/**
 * Counts the messages from others with a body after `upTo` in the conversation (at most
 * RECOUNT_PAGES pages: a lower bound beyond), and marks them seen so that no later fold
 * counts them again. A position the archive does not know leaves nothing unread.
 */
async function recount(session: XmppSession, entry: ConversationEntry, upTo: string): Promise<void> {
  const archive = entry.kind === "ROOM" ? { to: entry.id } : { with: entry.id };
  const scope = scopeOf(session, entry);
  let unread = 0;
  let after = upTo;
  try {
    for (let i = 0; i < RECOUNT_PAGES; i++) {
      const page = await queryArchive(session, { ...archive, max: 50, afterId: after });
      for (const record of page.records) {
        for (const event of classifyArchived(record, scope)) {
          if (event.__typename !== "MessageEvent") continue;
          if (!event.message.outgoing) unread++;
          markSeen(entry, event.message.timestamp, event.message.id);
        }
      }
      if (page.complete || page.records.length === 0 || page.last === undefined) break;
      after = page.last;
    }
  } catch (error) {
    if (!(error instanceof StanzaError && error.condition === "item-not-found")) throw error;
    unread = 0;
  }
  entry.unread = unread;
}

/** Applies the read positions of XEP-0490 that moved: each such conversation is recounted. */
async function applyPositions(session: XmppSession, fresh: Fresh, positions: readonly DisplayedPosition[]): Promise<void> {
  const moved = positions
    .map((p) => ({ p, entry: fresh.index.entries.get(p.conversation) }))
    .filter((m): m is { p: DisplayedPosition; entry: ConversationEntry } => m.entry !== undefined && m.entry.lastReadId !== m.p.stanzaId);
  await mapLimit(moved, ROOM_CONCURRENCY, async ({ p, entry }) => {
    await recount(session, entry, p.stanzaId);
    entry.lastReadId = p.stanzaId;
    entry.modifiedAt = fresh.now;
    fresh.dirty.add(entry.id);
  });
}

/** Bookmarked rooms join the index; a room's favourite flag follows its bookmark. */
function applyBookmarks(fresh: Fresh, unnamed: Set<string>): void {
  for (const bookmark of fresh.bookmarks.values()) {
    const { entry, created } = ensureEntry(fresh, bookmark.room, "ROOM");
    if (created) unnamed.add(entry.id);
    const favorite = hasExtension(bookmark.conference, FAVORITE, NS_CONVERSATIONS);
    if (entry.favorite !== favorite) {
      entry.favorite = favorite;
      entry.modifiedAt = fresh.now;
      fresh.dirty.add(entry.id);
    }
    const name = bookmark.conference.attrs.name;
    if (name && entry.name === null) entry.name = name;
  }
}

/** Stores the entries that changed (their shards) and then the head, with a new revision. */
async function save(session: XmppSession, fresh: Fresh, holder: Holder): Promise<void> {
  if (fresh.dirty.size === 0 && !fresh.headChanged) return;
  const shards = new Set([...fresh.dirty].map(shardOf));
  const entries = [...fresh.index.entries.values()];
  await Promise.all([...shards].map((i) => writePrivateRecord(session, buildShard(i, entries.filter((e) => shardOf(e.id) === i)))));
  // The head last: a save cut short leaves the old cursor, and the fold's unread guard
  // makes folding the same messages again harmless.
  const rev = newStanzaId();
  await writePrivateRecord(session, buildHead({ cursor: fresh.index.cursor, built: fresh.index.built, rev }));
  holder.rev = rev;
}

/**
 * Brings the user's index up to date, runs `task` on it, and stores what changed; one at a
 * time per session.
 * @throws ApiError when storage or the archive cannot be read.
 */
function withFreshIndex<T>(session: XmppSession, task: (fresh: Fresh) => Promise<T> | T): Promise<T> {
  return session.memo.serial("conversations:index", () => orApiError((async () => {
    const holder = holderOf(session);
    const watermark = new Date();
    const [head, positions, bookmarks, contacts] = await Promise.all([
      readPrivateRecord(session, INDEX_ELEMENT, NS_CONVERSATIONS).then(parseHead),
      pepItems(session, async () => parseDisplayedItems(await session.iq(buildDisplayedItemsGet()))),
      pepItems(session, async () => parseBookmarks(await session.iq(buildBookmarksGet()))),
      // The stored roster only (names): the pending requests listContacts adds would cost a brief presence.
      readRoster(session).catch(() => []),
    ]);
    if (holder.index === null || (head.rev !== null && head.rev !== holder.rev)) {
      holder.index = await loadIndex(session, head);
      holder.rev = head.rev;
    }
    const fresh: Fresh = {
      index: holder.index, watermark, now: stampOf(Date.now()), dirty: new Set(), headChanged: false,
      names: new Map(contacts.filter((c) => c.name).map((c) => [lower(c.jid), c.name!])),
      bookmarks: new Map(bookmarks.map((b) => [b.room, b])),
    };
    const unnamed = new Set<string>();
    const addRoom = (room: string) => {
      const { entry, created } = ensureEntry(fresh, room, "ROOM");
      if (created) unnamed.add(entry.id);
    };
    if (!fresh.index.built) {
      // The first build: the MUC Light rooms the gateway has recorded for the user (the
      // invitations among them are in the archive folded below too; rooms the user left
      // refuse their archive and are dropped).
      for (const room of await recordedRooms(session).catch(() => [])) addRoom(room);
    }
    for (const room of MucOccupancy.of(session).joinedRooms()) addRoom(room);
    applyBookmarks(fresh, unnamed);
    const before = new Set(fresh.index.entries.keys());
    const scan = await scanArchive(session, {}, fresh.index.cursor, (records) => foldOwnPage(session, fresh, records));
    for (const id of fresh.index.entries.keys()) if (!before.has(id) && fresh.index.entries.get(id)!.kind === "ROOM") unnamed.add(id);
    if (scan.cursor !== fresh.index.cursor || !fresh.index.built) {
      fresh.index.cursor = scan.cursor;
      fresh.index.built = true;
      fresh.headChanged = true;
    }
    await foldRooms(session, fresh, unnamed);
    await applyPositions(session, fresh, positions);
    const result = await task(fresh);
    await save(session, fresh, holder);
    holder.refreshed = { watermark, names: fresh.names };
    return result;
  })(), CONVERSATION_ERRORS, { user: session.bareJid }));
}

/** How old an index read may answer from memory (see `CONVERSATIONS_FRESHNESS_MS`); 0: never. */
export interface ReadOptions {
  freshnessMs?: number;
}

/**
 * Runs `read` on the index as the last refresh left it, when that refresh began less than
 * `freshnessMs` ago; else after a refresh. Answers from memory carry that refresh's
 * watermark, so `modifiedSince` polling still misses nothing.
 */
function readIndex<T>(session: XmppSession, options: ReadOptions, read: (fresh: Pick<Fresh, "index" | "watermark" | "names">) => T): Promise<T> {
  const holder = holderOf(session);
  const freshness = options.freshnessMs ?? 0;
  if (freshness > 0 && holder.index !== null && holder.refreshed !== null && Date.now() - holder.refreshed.watermark.getTime() < freshness) {
    return Promise.resolve(read({ index: holder.index, ...holder.refreshed }));
  }
  return withFreshIndex(session, read);
}

function toModel(fresh: Pick<Fresh, "names">, entry: ConversationEntry): ConversationModel {
  const room = entry.kind === "ROOM";
  return {
    id: entry.id,
    kind: entry.kind,
    name: room ? entry.name : (fresh.names.get(entry.id) ?? null),
    subject: room ? entry.subject : (entry.last?.subject ?? null),
    icon: null,
    lastMessage: entry.last,
    lastActivity: entry.lastActivity,
    unreadCount: entry.unread,
    lastReadId: entry.lastReadId,
    isFavorite: entry.favorite,
  };
}

/**
 * The user's conversations, newest activity first: those changed at or after
 * `modifiedSince` when given, after the cursor `after`, at most `first`.
 * @throws ApiError `invalid_input` for a page over {@link MAX_LIST_PAGE} or a cursor not
 * of this list.
 */
export async function listConversations(
  session: XmppSession, request: { modifiedSince: Date | null; first: number; after: string | null }, options: ReadOptions = {},
): Promise<ConversationPageModel> {
  if (request.first > MAX_LIST_PAGE) throw new ApiError("invalid_input", `\`first\` is at most ${MAX_LIST_PAGE}`, { field: "first" });
  const after = request.after !== null ? parseCursor(request.after) : null;
  if (request.after !== null && after === null) throw new ApiError("invalid_input", CONVERSATION_MESSAGES.badCursor, { field: "after" });
  return readIndex(session, options, (fresh) => {
    const page = pageOf(fresh.index.entries.values(), { modifiedSince: request.modifiedSince, first: request.first, after });
    return { items: page.entries.map((e) => toModel(fresh, e)), endCursor: page.endCursor, hasMore: page.hasMore, modifiedBefore: fresh.watermark };
  });
}

/**
 * The entry of `id` in a fresh index; a room the index does not know yet (one just created
 * or entered) joins it when the JID is a room.
 * @throws ApiError `conversation_not_found` for a JID with no archived message and no room.
 */
async function entryOf(session: XmppSession, fresh: Fresh, id: string): Promise<ConversationEntry> {
  const known = fresh.index.entries.get(lower(id));
  if (known) return known;
  if (!(await isRoomJid(session, id))) throw conversationNotFound(id);
  const { entry } = ensureEntry(fresh, id, "ROOM");
  await foldRooms(session, fresh, new Set([entry.id]));
  const kept = fresh.index.entries.get(entry.id);
  if (!kept) throw conversationNotFound(id);
  return kept;
}

/**
 * One conversation, up to date (or as fresh as `options` allow): what `chat.startChat`,
 * `conversations.setRoomData` and `conversations.get` return.
 * @throws ApiError `conversation_not_found` for a JID with no archived message and no room.
 */
export async function loadConversation(session: XmppSession, id: string, options: ReadOptions = {}): Promise<ConversationModel> {
  const known = await readIndex(session, options, (fresh) => {
    const entry = fresh.index.entries.get(lower(id));
    return entry ? toModel(fresh, entry) : null;
  });
  return known ?? withFreshIndex(session, async (fresh) => toModel(fresh, await entryOf(session, fresh, id)));
}

/**
 * Marks a conversation as changed now (e.g. its room data changed), so that the next
 * `list(modifiedSince)` returns it; `subject` updates a room's subject at once.
 * @returns the conversation.
 */
export function touchConversation(session: XmppSession, id: string, change: { subject?: string | null; name?: string | null } = {}): Promise<ConversationModel> {
  return withFreshIndex(session, async (fresh) => {
    const entry = await entryOf(session, fresh, id);
    if (change.subject !== undefined) entry.subject = change.subject;
    if (change.name !== undefined) entry.name = change.name;
    entry.modifiedAt = stampOf(Date.now());
    fresh.dirty.add(entry.id);
    return toModel(fresh, entry);
  });
}

/**
 * Marks the conversation with `withJid` as read up to the message with archive id `upTo`:
 * in a one-to-one chat an XEP-0333 displayed marker goes to the peer for a message the
 * peer sent (archived, store hint); the read position is published with XEP-0490 (by the
 * user's bare JID, or the room's for a room), so the user's other clients and gateway
 * instances agree; then the conversation is recounted.
 * @throws ApiError `message_not_found` for an id not in the conversation.
 */
export async function markDisplayed(session: XmppSession, withJid: string, upTo: string): Promise<ConversationModel> {
  const context = { user: session.bareJid, with: withJid };
  const target = await orApiError(findConversationMessage(session, withJid, upTo, false), HISTORY_ERRORS, context);
  const room = target.scope.room;
  await orApiError((async () => {
    if (room === null && !target.model.outgoing) {
      await session.send(buildDisplayedMarker(withJid, target.pointer, "chat", newStanzaId()));
    }
    const position = { conversation: lower(withJid), stanzaId: upTo };
    await publishOwnerOnly(session, NS_MDS, position.conversation, buildDisplayedPayload(position, room ?? lower(session.bareJid)));
    // The marker is archived before the next read of the history.
    await session.iq(buildServerPing(session.domain));
  })(), CONVERSATION_ERRORS, context);
  return loadConversation(session, withJid);
}

/**
 * Marks or unmarks the conversation with `withJid` as a favourite: for a room in its
 * XEP-0402 bookmark (an element of the gateway's namespace in `<extensions/>`; a bookmark
 * is made when there is none, and kept when unmarking), for a chat in the index.
 * @throws ApiError `conversation_not_found` for a JID with no archived message and no room.
 */
export function setFavorite(session: XmppSession, withJid: string, favorite: boolean): Promise<ConversationModel> {
  return withFreshIndex(session, async (fresh) => {
    const entry = await entryOf(session, fresh, withJid);
    if (entry.kind === "ROOM") {
      const conference = fresh.bookmarks.get(entry.id)?.conference ?? newConference();
      const bookmark = { room: entry.id, conference: withExtension(conference, FAVORITE, NS_CONVERSATIONS, favorite) };
      await publishOwnerOnly(session, NS_BOOKMARKS, bookmark.room, bookmark.conference);
      fresh.bookmarks.set(entry.id, bookmark);
    }
    if (entry.favorite !== favorite) {
      entry.favorite = favorite;
      entry.modifiedAt = stampOf(Date.now());
      fresh.dirty.add(entry.id);
    }
    return toModel(fresh, entry);
  });
}
