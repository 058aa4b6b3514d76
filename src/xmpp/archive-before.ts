import type { XmppSession } from "./session.js";
import type { StanzaRecord } from "./messages.js";
import { formatDateTime } from "./date-time.js";
import { queryArchive, type ArchivePage, type ArchiveQuery, type ArchiveScope } from "./mam.js";

/*
 * MongooseIM's archive reads (`stanza.getLastMessages`, `muc.getRoomMessages`,
 * `muc_light.getRoomMessages`) page backwards by a `before` instant. The API gives each
 * archived message's `timestamp` in whole seconds, and a client pages backwards by
 * passing the oldest one it got as the next `before`. Several messages can
 * share that second (Prosody even stamps them all with the same whole second), so the
 * timestamp alone cannot say which of them the client already has: a time filter either
 * loses the rest of that second or repeats the page's oldest messages. The gateway
 * therefore remembers, per session, the archive id of each page's oldest message under
 * the timestamp it gave for it; a later `before` equal to that timestamp continues from
 * that id (RSM `<before/>`), which neither loses nor repeats.
 */

/** The page heads one session remembers; a few are enough for the clients paging at once. */
const MAX_HEADS = 64;

/**
 * The newest `max` messages of an archive (oldest first), before an instant as the API's
 * `before` means it: passed the `timestamp` of a page's oldest message, it continues right
 * before that message; any other whole second includes every message stamped within it;
 * a `before` with a fraction is strict.
 * @throws StanzaError and the session's errors, for the caller's error table.
 */
export async function readNewestBefore(session: XmppSession, scope: ArchiveScope, before: Date | null | undefined, max: number): Promise<ArchivePage> {
  const cursors = session.memo.own("archive-before.cursors", () => new ArchiveCursors());
  const key = `${scope.to ?? ""}\n${scope.with ?? ""}`;
  const page = await queryArchive(session, { ...scope, max, ...boundOf(cursors, key, before) });
  cursors.notePage(key, page.records[0]);
  return page;
}

function boundOf(cursors: ArchiveCursors, key: string, before: Date | null | undefined): Pick<ArchiveQuery, "before" | "beforeId"> {
  if (!before) return {};
  const beforeId = cursors.continueFrom(key, before);
  if (beforeId !== undefined) return { beforeId };
  return { before: isWholeSecond(before) ? new Date(before.getTime() + 1000) : before };
}

/** Remembers the oldest message of the pages a session returned, to continue exactly from them. */
export class ArchiveCursors {
  private readonly heads = new Map<string, string>();

  /** Notes the oldest message of a page returned for archive scope `scope`. */
  notePage(scope: string, oldest: StanzaRecord | undefined): void {
    if (!oldest?.archiveId) return;
    const key = keyOf(scope, oldest.timestamp);
    this.heads.delete(key);
    this.heads.set(key, oldest.archiveId);
    while (this.heads.size > MAX_HEADS) this.heads.delete(this.heads.keys().next().value!);
  }

  /**
   * The archive id to page back from when `before` is the timestamp a page gave for its
   * oldest message (a whole second), else undefined.
   */
  continueFrom(scope: string, before: Date): string | undefined {
    if (!isWholeSecond(before)) return undefined;
    return this.heads.get(keyOf(scope, before));
  }
}

function isWholeSecond(date: Date): boolean {
  return date.getTime() % 1000 === 0;
}

function keyOf(scope: string, instant: Date): string {
  return `${scope}\n${formatDateTime(instant)}`;
}
