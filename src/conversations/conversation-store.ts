import { xml, type Element } from "@xmpp/xml";
import type { MessageModel } from "../events/event.models.js";
import { serializeXml } from "../private/private.stanzas.js";
import { newEntry, type ConversationEntry, type ConversationIndex } from "./conversation-index.js";

/*
 * The conversation index as XML records of the user's private storage (XEP-0049): a head
 * record (the user's archive cursor, a revision) and SHARDS records holding the entries,
 * each entry in the shard a hash of its JID picks. Servers cap a stanza (Prosody 256 KB by
 * default), so no record may grow without bound: a last message is kept to
 * MAX_STANZA_CHARS (a longer one is kept as its body cut to MAX_BODY_CHARS), and a shard
 * over MAX_SHARD_CHARS drops its entries of oldest activity.
 */

export const NS_CONVERSATIONS = "urn:xmpp-graphql:conversations:0";
export const INDEX_ELEMENT = "conversations";
/** How many records hold the entries. */
export const SHARDS = 16;
/** The largest shard record, in characters of XML (about 1 000 conversations in all). */
export const MAX_SHARD_CHARS = 64_000;
export const MAX_STANZA_CHARS = 2_000;
export const MAX_BODY_CHARS = 1_000;

/** The namespace shard `i` is stored under. */
export function shardNamespace(i: number): string {
  return `${NS_CONVERSATIONS}:shard:${i}`;
}

/** The shard an entry lives in: FNV-1a of its id. */
export function shardOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % SHARDS;
}

/** The head record: where the fold stands, and a revision that changes with each save. */
export interface IndexHead {
  cursor: string | null;
  built: boolean;
  rev: string | null;
}

/**
 * The head record. Its data sits in a child: Prosody (0.12 mod_private) stores an element
 * without children as nothing at all, whatever its attributes.
 */
export function buildHead(head: IndexHead): Element {
  const attrs: Record<string, string> = {};
  if (head.cursor !== null) attrs.cursor = head.cursor;
  if (head.built) attrs.built = "true";
  if (head.rev !== null) attrs.rev = head.rev;
  return xml(INDEX_ELEMENT, { xmlns: NS_CONVERSATIONS }, xml("head", attrs));
}

export function parseHead(element: Element | null): IndexHead {
  const head = element?.getChild("head");
  return { cursor: head?.attrs.cursor || null, built: head?.attrs.built === "true", rev: head?.attrs.rev || null };
}

const time = (d: Date | null) => (d === null ? undefined : String(d.getTime()));
const dateOf = (s: string | undefined) => (s && /^\d+$/.test(s) ? new Date(Number(s)) : null);

/** A copy of an archived stanza small enough to keep: as is, or reduced to its addressing and a cut body. */
export function boundedStanza(stanza: Element): Element {
  if (serializeXml(stanza).length <= MAX_STANZA_CHARS) return stanza;
  const { from, to, type, id, xmlns } = stanza.attrs;
  const body = stanza.getChildText("body");
  const attrs = Object.fromEntries(Object.entries({ xmlns: xmlns ?? "jabber:client", from, to, type, id }).filter(([, v]) => v !== undefined));
  return xml("message", attrs, ...(body !== null ? [xml("body", {}, body.slice(0, MAX_BODY_CHARS))] : []));
}

function buildLast(message: MessageModel, pointers: string[]): Element {
  const attrs: Record<string, string> = { id: message.id, from: message.from, ts: String(message.timestamp.getTime()), ptr: pointers.join(" ") };
  if (message.outgoing) attrs.outgoing = "true";
  if (message.edited) attrs.edited = "true";
  if (message.retracted) attrs.retracted = "true";
  const children: Element[] = [];
  if (message.body !== null && message.body !== undefined) children.push(xml("body", {}, message.body.slice(0, MAX_BODY_CHARS)));
  if (message.subject !== null && message.subject !== undefined) children.push(xml("subject", {}, message.subject));
  for (const r of message.reactions) children.push(xml("reaction", { emoji: r.emoji, by: r.by.join(" ") }));
  children.push(boundedStanza(message.stanza));
  return xml("last", attrs, ...children);
}

function parseLast(element: Element, conversation: string): { message: MessageModel; pointers: string[] } | null {
  const { id, from, ts, ptr } = element.attrs;
  const stanza = element.getChild("message");
  const timestamp = dateOf(ts);
  if (!id || !from || !stanza || timestamp === null) return null;
  stanza.parent = null;
  const message: MessageModel = {
    id, conversation, from, timestamp,
    body: element.getChildText("body"),
    subject: element.getChildText("subject"),
    outgoing: element.attrs.outgoing === "true",
    edited: element.attrs.edited === "true",
    retracted: element.attrs.retracted === "true",
    reactions: element.getChildren("reaction").map((r) => {
      const by = (r.attrs.by ?? "").split(" ").filter(Boolean);
      return { emoji: r.attrs.emoji ?? "", count: by.length, by };
    }),
    stanza,
  };
  return { message, pointers: (ptr ?? "").split(" ").filter(Boolean) };
}

/** One entry as a `<c/>` element. */
export function buildEntry(e: ConversationEntry): Element {
  const attrs: Record<string, string | undefined> = {
    id: e.id, kind: e.kind === "ROOM" ? "room" : "chat", act: time(e.lastActivity), mod: String(e.modifiedAt),
    unread: String(e.unread), read: e.lastReadId ?? undefined, fav: e.favorite ? "true" : undefined,
    seen: time(e.seenAt), seenIds: e.seenIds.length > 0 ? e.seenIds.join(" ") : undefined,
    name: e.name ?? undefined, subject: e.subject ?? undefined, nick: e.nick ?? undefined, cursor: e.cursor ?? undefined,
  };
  const defined = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return xml("c", defined, ...(e.last !== null ? [buildLast(e.last, e.lastPointers)] : []));
}

/** An entry back from its element, or null when it is malformed. */
export function parseEntry(element: Element): ConversationEntry | null {
  const a = element.attrs;
  if (!a.id || (a.kind !== "room" && a.kind !== "chat")) return null;
  const entry = newEntry(a.id, a.kind === "room" ? "ROOM" : "ONE_TO_ONE", Number(a.mod) || 0);
  const last = element.getChild("last");
  const parsed = last ? parseLast(last, entry.id) : null;
  return {
    ...entry,
    last: parsed?.message ?? null,
    lastPointers: parsed?.pointers ?? [],
    lastActivity: dateOf(a.act),
    unread: Number(a.unread) || 0,
    lastReadId: a.read || null,
    favorite: a.fav === "true",
    seenAt: dateOf(a.seen),
    seenIds: (a.seenIds ?? "").split(" ").filter(Boolean),
    name: a.name ?? null,
    subject: a.subject ?? null,
    nick: a.nick || null,
    cursor: a.cursor || null,
  };
}

/**
 * Shard `i`'s record holding `entries` (those of that shard). When it would exceed
 * MAX_SHARD_CHARS, the entries of oldest activity are left out (and so forgotten).
 */
export function buildShard(i: number, entries: readonly ConversationEntry[]): Element {
  const sorted = [...entries].sort((a, b) => (b.lastActivity?.getTime() ?? -1) - (a.lastActivity?.getTime() ?? -1));
  const children: Element[] = [];
  let size = 0;
  for (const entry of sorted) {
    const element = buildEntry(entry);
    size += serializeXml(element).length;
    if (size > MAX_SHARD_CHARS) break;
    children.push(element);
  }
  return xml(INDEX_ELEMENT, { xmlns: shardNamespace(i) }, ...children);
}

/** The entries of a shard's record (malformed ones skipped). */
export function parseShard(element: Element | null): ConversationEntry[] {
  return (element?.getChildren("c") ?? []).map(parseEntry).filter((e): e is ConversationEntry => e !== null);
}

/** The index from its head and shards. */
export function indexFrom(head: IndexHead, shards: ReadonlyArray<Element | null>): ConversationIndex {
  const entries = new Map<string, ConversationEntry>();
  for (const shard of shards) for (const entry of parseShard(shard)) entries.set(entry.id, entry);
  return { cursor: head.cursor, built: head.built, entries };
}
