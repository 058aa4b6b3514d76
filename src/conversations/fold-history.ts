import type { Element } from "@xmpp/xml";
import type { Reaction } from "../generated/graphql.js";
import { classifyMessage } from "../events/classify-message.js";
import type { MessageModel } from "../events/event.models.js";
import type { StanzaRecord } from "../xmpp/messages.js";
import { bareOf, resourceOf } from "../xmpp/jid.js";
import { senderIdsOf } from "../xmpp/message-edits.js";
import type { ChatEvent } from "../events/event.models.js";

/*
 * Folds one conversation's archived changes into the messages they point at: corrections
 * (XEP-0308), retractions (XEP-0424) and reactions (XEP-0444). Pure: the history api
 * decides which archive entries to read, this decides what they mean. The stream's
 * classifier says what each entry is, so history and `events.stream` agree.
 */

/** Whose conversation is read, and where from. */
export interface HistoryScope {
  /** The user's bare JID, lower-case. */
  ownBareJid: string;
  /** The room's bare JID when the archive is a room's, else null (the user's own archive). */
  room: string | null;
  /** The user's nick in the room, when the session is in it: what makes a room message the user's own. */
  ownNick: string | null;
}

/** One archived message with a body, changes folded in, and where it stands in the archive. */
export interface FoldedMessage {
  model: MessageModel;
  /** Its position among the records folded (oldest first). */
  index: number;
}

/** Whether an archived message was sent by the user. */
export function isOwnArchived(stanza: Element, scope: HistoryScope): boolean {
  const from = stanza.attrs.from;
  if (scope.room !== null) return scope.ownNick !== null && from !== undefined && resourceOf(from) === scope.ownNick;
  return from === undefined || bareOf(from).toLowerCase() === scope.ownBareJid;
}

/**
 * The ids other messages use to point at an archived one (XEP-0444 §3.1): in a room, the
 * room's stanza-id (its archive id there); in a one-to-one chat, the archive id, the
 * message's `id` attribute and its origin-id (XEP-0359).
 */
export function pointerIdsOf(record: StanzaRecord, scope: HistoryScope): string[] {
  const ids = record.archiveId ? [record.archiveId] : [];
  return scope.room !== null ? ids : [...ids, ...senderIdsOf(record.stanza)];
}

/** The id an outgoing change must name to point at an archived message (the inverse of pointerIdsOf's choice). */
export function pointerIdFor(record: StanzaRecord, scope: HistoryScope): string | null {
  if (scope.room !== null) return record.archiveId ?? null;
  return senderIdsOf(record.stanza)[0] ?? null;
}

/**
 * What one archived record means, as the event stream would replay it. A room's message
 * is classified as the stream sees it (reflected by the room, so its conversation is the
 * room), then marked as the user's when the user's nick sent it.
 */
export function classifyArchived(record: StanzaRecord, scope: HistoryScope): ChatEvent[] {
  const own = isOwnArchived(record.stanza, scope);
  const events = classifyMessage({
    message: record.stanza,
    ownBareJid: scope.ownBareJid,
    outgoing: scope.room === null && own,
    archiveId: record.archiveId ?? null,
    timestamp: record.timestamp,
    replayed: true,
  });
  if (scope.room === null || !own) return events;
  return events.map((e) => (e.__typename === "MessageEvent" ? { ...e, message: { ...e.message, outgoing: true } } : e));
}

/** The Message model of one archived record with a body, or null for anything else (changes, markers…). */
export function archivedMessageModel(record: StanzaRecord, scope: HistoryScope): MessageModel | null {
  const message = classifyArchived(record, scope).find((e) => e.__typename === "MessageEvent");
  return message?.__typename === "MessageEvent" ? { ...message.message } : null;
}

/**
 * The messages with a body among `records` (oldest first), each with the corrections,
 * retractions and reactions among `records` that point at it folded in. A correction or
 * retraction counts only from the message's own sender (same bare JID, or same occupant
 * in a room); reactions count per reactor, the latest set replacing earlier ones.
 */
export function foldHistory(records: readonly StanzaRecord[], scope: HistoryScope): FoldedMessage[] {
  const folded: FoldedMessage[] = [];
  const byPointer = new Map<string, FoldedMessage>();
  const reactions = new Map<FoldedMessage, Map<string, string[]>>();
  const sameSender = (a: string, b: string) => (scope.room !== null ? a === b : bareOf(a).toLowerCase() === bareOf(b).toLowerCase());

  records.forEach((record, index) => {
    for (const event of classifyArchived(record, scope)) {
      if (event.__typename === "MessageEvent") {
        const entry = { model: { ...event.message }, index };
        folded.push(entry);
        for (const id of pointerIdsOf(record, scope)) byPointer.set(id, entry);
      } else if (event.__typename === "EditEvent") {
        const target = byPointer.get(event.id);
        if (!target || !sameSender(target.model.from, event.message.from)) continue;
        target.model = { ...target.model, body: event.message.body, edited: true };
        // Some clients point a second correction at the first one: follow it too.
        for (const id of pointerIdsOf(record, scope)) byPointer.set(id, target);
      } else if (event.__typename === "RetractEvent") {
        const target = byPointer.get(event.id);
        if (!target || !sameSender(target.model.from, event.from)) continue;
        // The contract's body of a retracted message: the retraction's fallback text.
        target.model = { ...target.model, body: record.stanza.getChildText("body"), retracted: true };
      } else if (event.__typename === "ReactionEvent") {
        const target = byPointer.get(event.id);
        if (!target) continue;
        const reactor = scope.room !== null ? event.from : bareOf(event.from).toLowerCase();
        const sets = reactions.get(target) ?? new Map<string, string[]>();
        sets.set(reactor, event.emojis);
        reactions.set(target, sets);
      }
    }
  });
  for (const [entry, sets] of reactions) entry.model = { ...entry.model, reactions: aggregateReactions(sets) };
  return folded;
}

/** Each reactor's set of emojis, as one entry per emoji (in order of first use) with who used it. */
export function aggregateReactions(sets: ReadonlyMap<string, readonly string[]>): Reaction[] {
  const byEmoji = new Map<string, string[]>();
  for (const [reactor, emojis] of sets) {
    for (const emoji of emojis) byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), reactor]);
  }
  return [...byEmoji].map(([emoji, by]) => ({ emoji, count: by.length, by }));
}
