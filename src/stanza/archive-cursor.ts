import type { StanzaRecord } from "../xmpp/messages.js";
import { formatDateTime } from "../xmpp/date-time.js";

/*
 * The API gives each archived message's `timestamp` in whole seconds, and a client pages
 * backwards by passing the oldest one it got as the next `before`. Several messages can
 * share that second (Prosody even stamps them all with the same whole second), so the
 * timestamp alone cannot say which of them the client already has: a time filter either
 * loses the rest of that second or repeats the page's oldest messages. The gateway
 * therefore remembers, per session, the archive id of each page's oldest message under
 * the timestamp it gave for it; a later `before` equal to that timestamp continues from
 * that id (RSM `<before/>`), which neither loses nor repeats.
 */

/** The page heads one session remembers; a few are enough for the clients paging at once. */
const MAX_HEADS = 64;

/** Remembers the oldest message of the pages a session returned, to continue exactly from them. */
export class ArchiveCursors {
  private readonly heads = new Map<string, string>();

  /** Notes the oldest message of a page returned for conversation filter `withJid`. */
  notePage(withJid: string | null | undefined, oldest: StanzaRecord | undefined): void {
    if (!oldest?.archiveId) return;
    const key = keyOf(withJid, oldest.timestamp);
    this.heads.delete(key);
    this.heads.set(key, oldest.archiveId);
    while (this.heads.size > MAX_HEADS) this.heads.delete(this.heads.keys().next().value!);
  }

  /**
   * The archive id to page back from when `before` is the timestamp a page gave for its
   * oldest message (a whole second), else undefined.
   */
  continueFrom(withJid: string | null | undefined, before: Date): string | undefined {
    if (!isWholeSecond(before)) return undefined;
    return this.heads.get(keyOf(withJid, before));
  }
}

export function isWholeSecond(date: Date): boolean {
  return date.getTime() % 1000 === 0;
}

function keyOf(withJid: string | null | undefined, instant: Date): string {
  return `${withJid ?? ""}\n${formatDateTime(instant)}`;
}
