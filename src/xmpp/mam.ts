import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "./session.js";
import { NS_DELAY, NS_FORWARD, NS_MAM } from "./namespaces.js";
import { buildSubmitForm } from "./forms.js";
import { buildRsmSet, parseRsmSet } from "./rsm.js";
import { detachForwarded, newStanzaId, type StanzaRecord } from "./messages.js";
import { parseDateTime } from "./date-time.js";
import { discoInfo } from "./disco.js";

/*
 * Message Archive Management (XEP-0313, https://xmpp.org/extensions/xep-0313.html): one
 * query of one archive — the user's own, or a room's — paged with XEP-0059. The results
 * arrive as messages before the IQ's answer, so a query listens, asks and collects.
 */

/** One archive query. */
export interface ArchiveQuery {
  queryId: string;
  /** The archive's address: a room; the user's own archive when absent. */
  to?: string;
  /** Only messages with this JID (the form's `with`, XEP-0313 §4.1.1). */
  with?: string | null;
  /** Only messages strictly before this instant (the form's `end`). */
  before?: Date | null;
  max: number;
  /** Page forward from this archive id (RSM `<after/>`). */
  afterId?: string | null;
  /** Without `afterId`: page back from this archive id (RSM `<before>id</before>`, XEP-0059 §2.5): the newest `max` messages older than it. */
  beforeId?: string | null;
  /** Only the messages with these archive ids (the form's `ids`, XEP-0313 §4.1.3, `urn:xmpp:mam:2#extended`). */
  ids?: readonly string[];
  /**
   * Without `afterId` or `beforeId`: "newest" asks for the last page (an empty RSM `<before/>`,
   * XEP-0059 §2.5), "oldest" for the first. The server returns either oldest first.
   */
  from?: "newest" | "oldest";
}

/** The MAM query IQ (XEP-0313 §4.1). */
export function buildArchiveQuery(query: ArchiveQuery): Element {
  const filters: Record<string, string[]> = {};
  if (query.with) filters.with = [query.with];
  if (query.before) filters.end = [lastMicrosecondBefore(query.before)];
  if (query.ids && query.ids.length > 0) filters.ids = [...query.ids];
  const paging = query.afterId != null
    ? { max: query.max, after: query.afterId }
    : query.beforeId != null
      ? { max: query.max, before: query.beforeId }
      : query.from === "oldest" ? { max: query.max } : { max: query.max, before: "" };
  return xml(
    "iq",
    query.to !== undefined ? { type: "set", to: query.to } : { type: "set" },
    xml("query", { xmlns: NS_MAM, queryid: query.queryId }, buildSubmitForm(NS_MAM, filters), buildRsmSet(paging)),
  );
}

/**
 * The form's `end` is inclusive (XEP-0313 §4.1.1) and servers stamp to the microsecond
 * (ejabberd): the last microsecond before `instant` excludes `instant` itself and nothing
 * earlier.
 */
function lastMicrosecondBefore(instant: Date): string {
  return new Date(instant.getTime() - 1).toISOString().replace(/Z$/, "999Z");
}

/**
 * Reads one archived message delivered for query `queryId` (XEP-0313 §4.2). Results
 * must come from the archive asked (no `from`, or `archiveJid`, the bare JID of the user
 * or room, lower-case): anything else could be another entity injecting fake history.
 * @returns the record, or null if the stanza is not a result of this query.
 */
export function parseArchiveResult(stanza: Element, queryId: string, archiveJid: string): StanzaRecord | null {
  if (stanza.name !== "message") return null;
  const from = stanza.attrs.from?.toLowerCase();
  if (from !== undefined && from !== archiveJid) return null;
  const result = stanza.getChild("result", NS_MAM);
  if (!result || result.attrs.queryid !== queryId || !result.attrs.id) return null;
  const forwarded = result.getChild("forwarded", NS_FORWARD);
  const message = forwarded?.getChild("message");
  if (!forwarded || !message) return null;
  const stamp = forwarded.getChild("delay", NS_DELAY)?.attrs.stamp;
  return {
    sender: message.attrs.from ?? null,
    timestamp: (stamp && parseDateTime(stamp)) || new Date(),
    stanza_id: result.attrs.id,
    stanza: detachForwarded(message),
    archiveId: result.attrs.id,
  };
}

/**
 * Reads the `<fin/>` of a MAM query result (XEP-0313 §4.3): whether the last page was
 * reached and the id of the page's last message, for paging forward.
 */
export function parseArchiveFin(reply: Element): { complete: boolean; last: string | undefined } {
  const fin = reply.getChild("fin", NS_MAM);
  return { complete: fin?.attrs.complete === "true", last: parseRsmSet(fin)?.last ?? undefined };
}

/** One page of an archive: its messages oldest first, and where paging stands. */
export interface ArchivePage {
  records: StanzaRecord[];
  complete: boolean;
  /** The id of the page's last message (from `<fin/>`, else the last result's). */
  last: string | undefined;
}

/**
 * Runs one archive query on `session` and collects its results: listens for them, asks,
 * and stops listening when the answer (or a failure) arrives.
 * @throws StanzaError and the session's errors, for the caller's error table.
 */
export async function queryArchive(session: XmppSession, query: Omit<ArchiveQuery, "queryId">): Promise<ArchivePage> {
  const queryId = newStanzaId();
  const archiveJid = (query.to ?? session.bareJid).toLowerCase();
  const records: StanzaRecord[] = [];
  const stop = session.onStanza((stanza) => {
    const record = parseArchiveResult(stanza, queryId, archiveJid);
    if (record) records.push(record);
  });
  try {
    const fin = parseArchiveFin(await session.iq(buildArchiveQuery({ ...query, queryId })));
    return { records, complete: fin.complete, last: fin.last ?? records.at(-1)?.archiveId };
  } finally {
    stop();
  }
}

/** Where one archive query looks: a room's archive (`to`), or the user's filtered on `with`. */
export type ArchiveScope = Pick<ArchiveQuery, "to" | "with">;

// XEP-0313 §7: an archive that supports the `ids` filter (and full id ranges) says so.
const NS_MAM_EXTENDED = "urn:xmpp:mam:2#extended";

/**
 * Whether the archive at `archiveJid` (the user's bare JID, or a room's) supports the
 * `ids` filter; remembered for the session. A server that does not know the filter may
 * ignore it and answer with the whole archive, so it is only sent when advertised.
 */
function supportsIds(session: XmppSession, archiveJid: string): Promise<boolean> {
  return session.memo
    .remember(`mam-extended ${archiveJid}`, async () => (await discoInfo(session, archiveJid)).features.has(NS_MAM_EXTENDED))
    .catch(() => false);
}

/**
 * The archived message with archive id `id` in `scope`, or null when it is not there.
 * Asks with the `ids` filter (XEP-0313 §4.1.3) where the archive advertises it; else
 * reads the archive back page by page from the newest, at most `maxPages` pages of 100.
 * @throws StanzaError and the session's errors.
 */
export async function findArchivedMessage(session: XmppSession, scope: ArchiveScope, id: string, maxPages = 5): Promise<StanzaRecord | null> {
  if (await supportsIds(session, (scope.to ?? session.bareJid).toLowerCase())) {
    const { records } = await queryArchive(session, { ...scope, ids: [id], max: 1 });
    return records.find((r) => r.archiveId === id) ?? null;
  }
  let beforeId: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const { records, complete } = await queryArchive(session, { ...scope, max: 100, beforeId, from: "newest" });
    const found = records.find((r) => r.archiveId === id);
    if (found) return found;
    if (complete || records.length === 0) return null;
    beforeId = records[0]!.archiveId!;
  }
  return null;
}
