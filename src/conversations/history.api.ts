import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { orApiError } from "../errors/map-error.js";
import { isRoomJid } from "../xmpp/disco.js";
import { findArchivedMessage, queryArchive, type ArchivePage, type ArchiveScope } from "../xmpp/mam.js";
import type { StanzaRecord } from "../xmpp/messages.js";
import type { MessageModel } from "../events/event.models.js";
import { MucOccupancy } from "../muc/muc.occupancy.js";
import { archivedMessageModel, foldHistory, isOwnArchived, pointerIdFor, type HistoryScope } from "./fold-history.js";
import { HISTORY_ERRORS, messageNotFound } from "./history.errors.js";

/*
 * One conversation's history (`conversations.messages`): a page of its archive — the
 * user's own filtered on the peer, or the room's — with the changes to its messages
 * folded in. Pages are cut at archive ids, so a message is never lost nor repeated
 * between pages however many changes lie between messages.
 */

/** The largest page a request may ask for. */
export const MAX_HISTORY_PAGE = 100;
// Archive entries read per query, and at most how many queries fill one page: changes
// (corrections, reactions…) take archive entries without being messages of the page.
const ENTRIES_PER_QUERY = 100;
const MAX_QUERIES = 5;

/** A page of messages, oldest first, with its cursors. */
export interface MessagePageModel {
  items: MessageModel[];
  startCursor: string | null;
  endCursor: string | null;
  hasBefore: boolean;
  hasAfter: boolean;
}

/** Which page: the newest, or the one just before or just after a message id. */
export interface HistoryRequest {
  before?: string | null;
  after?: string | null;
  first: number;
}

/** Where a conversation's archive is and who the user is in it. */
export async function historyScope(session: XmppSession, withJid: string): Promise<{ scope: HistoryScope; archive: ArchiveScope }> {
  const room = (await isRoomJid(session, withJid)) ? withJid.toLowerCase() : null;
  const ownNick = room !== null ? (MucOccupancy.of(session).get(room)?.nick ?? null) : null;
  return {
    scope: { ownBareJid: session.bareJid.toLowerCase(), room, ownNick },
    archive: room !== null ? { to: room } : { with: withJid },
  };
}

/** An archived message of a conversation, with what a change or a marker must name it by. */
export interface ConversationMessage {
  record: StanzaRecord;
  model: MessageModel;
  /** The id a change or a marker names it by (see pointerIdFor). */
  pointer: string;
  scope: HistoryScope;
}

/**
 * The message with archive id `id` of the conversation with `withJid`.
 * @throws ApiError `message_not_found` when it is not there, has no body or no id to name,
 * or (with `own`) was not sent by the user.
 */
export async function findConversationMessage(session: XmppSession, withJid: string, id: string, own: boolean): Promise<ConversationMessage> {
  const { scope, archive } = await historyScope(session, withJid);
  const record = await findArchivedMessage(session, archive, id);
  const model = record && archivedMessageModel(record, scope);
  const pointer = record && pointerIdFor(record, scope);
  if (!record || !model || !pointer || (own && !isOwnArchived(record.stanza, scope))) throw messageNotFound(id, own);
  return { record, model, pointer, scope };
}

function checkRequest(request: HistoryRequest): void {
  if (request.first > MAX_HISTORY_PAGE) {
    throw new ApiError("invalid_input", `\`first\` is at most ${MAX_HISTORY_PAGE}`, { field: "first" });
  }
  if (request.before != null && request.after != null) {
    throw new ApiError("invalid_input", "Give `before` or `after`, not both", { field: "before" });
  }
}

/** Counts the archive entries that are messages of a page (with a body, not a change). */
function countMessages(records: readonly StanzaRecord[], scope: HistoryScope): number {
  return foldHistory(records, scope).length;
}

/**
 * Reads archive entries from `start` towards older ones until more than `want` messages
 * are in hand or the archive's start is reached (bounded).
 */
async function readBackward(session: XmppSession, archive: ArchiveScope, scope: HistoryScope, start: string | null, want: number) {
  const records: StanzaRecord[] = [];
  let beforeId = start;
  for (let i = 0; i < MAX_QUERIES; i++) {
    const page = await queryArchive(session, { ...archive, max: Math.min(ENTRIES_PER_QUERY, want + 1), beforeId, from: "newest" });
    records.unshift(...page.records);
    if (page.complete || page.records.length === 0) return { records, exhausted: true };
    beforeId = page.records[0]!.archiveId!;
    if (countMessages(records, scope) > want) break;
  }
  return { records, exhausted: false };
}

/** Reads archive entries after `start` until more than `want` messages are in hand or the newest is reached (bounded). */
async function readForward(session: XmppSession, archive: ArchiveScope, scope: HistoryScope, start: string, want: number) {
  const records: StanzaRecord[] = [];
  let afterId = start;
  for (let i = 0; i < MAX_QUERIES; i++) {
    const page: ArchivePage = await queryArchive(session, { ...archive, max: Math.min(ENTRIES_PER_QUERY, want + 1), afterId });
    records.push(...page.records);
    if (page.complete || page.records.length === 0) return { records, exhausted: true };
    afterId = page.last ?? page.records.at(-1)!.archiveId!;
    if (countMessages(records, scope) > want) break;
  }
  return { records, exhausted: false };
}

/**
 * One page of the conversation with `withJid` (a user's or a room's bare JID): the newest
 * `first` messages, or the `first` just before `before`, or just after `after`. Changes
 * archived within one query's worth of entries after the page are folded in too.
 * @throws ApiError `invalid_input` for a page over {@link MAX_HISTORY_PAGE} or both
 * cursors, `message_not_found` for a cursor the archive does not know.
 */
export async function conversationMessages(session: XmppSession, withJid: string, request: HistoryRequest): Promise<MessagePageModel> {
  checkRequest(request);
  const context = { user: session.bareJid, with: withJid };
  return orApiError((async () => {
    const { scope, archive } = await historyScope(session, withJid);
    const forward = request.after != null;
    const read = forward
      ? await readForward(session, archive, scope, request.after!, request.first)
      : await readBackward(session, archive, scope, request.before ?? null, request.first);
    // Changes to the page's messages may lie after what was read: look one query further.
    const newestRead = forward || request.before != null;
    const tail = newestRead && !(forward && read.exhausted) && read.records.length > 0
      ? await queryArchive(session, { ...archive, max: ENTRIES_PER_QUERY, afterId: read.records.at(-1)!.archiveId! })
      : { records: [] as StanzaRecord[], complete: true, last: undefined };
    const folded = foldHistory([...read.records, ...tail.records], scope).filter((m) => m.index < read.records.length);
    const page = forward ? folded.slice(0, request.first) : folded.slice(-request.first);
    const items = page.map((m) => m.model);
    return {
      items,
      startCursor: items[0]?.id ?? null,
      endCursor: items.at(-1)?.id ?? null,
      hasBefore: forward ? true : folded.length > page.length || !read.exhausted,
      hasAfter: forward ? folded.length > page.length || !read.exhausted : request.before != null,
    };
  })(), HISTORY_ERRORS, context);
}
