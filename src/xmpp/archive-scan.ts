import type { XmppSession } from "./session.js";
import { StanzaError } from "./errors.js";
import { queryArchive, type ArchiveScope } from "./mam.js";
import type { StanzaRecord } from "./messages.js";

/*
 * Reading an archive (XEP-0313) forward from a stored cursor to its newest entry: how the
 * gateway keeps a record in the user's storage up to date from the archive without ever
 * reading the whole archive again.
 */

/** Prosody's (and MongooseIM's) largest archive page. */
export const ARCHIVE_SCAN_PAGE = 50;

/** Where a scan ended. */
export interface ArchiveScanResult {
  /** The archive id of the last entry read (the cursor given when there was none). */
  cursor: string | null;
  /** True when the cursor was unknown to the archive and the scan started over from its start. */
  restarted: boolean;
}

/**
 * Reads the archive of `scope` (the user's own when empty) forward from after `cursor`
 * (from its start when null, or when the archive no longer knows that id: it expired or
 * the archive was cleared) to its newest entry, handing each page's records (oldest
 * first) to `onPage` before the next is read.
 * @throws StanzaError and the session's errors.
 */
export async function scanArchive(
  session: XmppSession, scope: ArchiveScope, cursor: string | null, onPage: (records: StanzaRecord[]) => void,
): Promise<ArchiveScanResult> {
  let after = cursor;
  let restarted = false;
  for (;;) {
    let page;
    try {
      page = await queryArchive(session, { ...scope, max: ARCHIVE_SCAN_PAGE, afterId: after, from: "oldest" });
    } catch (error) {
      if (error instanceof StanzaError && error.condition === "item-not-found" && after !== null) {
        after = null;
        restarted = true;
        continue;
      }
      throw error;
    }
    onPage(page.records);
    if (page.last != null) after = page.last;
    if (page.complete || page.records.length === 0 || page.last == null) return { cursor: after, restarted };
  }
}
