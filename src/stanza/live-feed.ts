import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { toApiError } from "../errors/map-error.js";
import { XmppConnectionError } from "../xmpp/errors.js";
import { MessageStream, RecentKeys } from "./message-stream.js";
import { parseIncomingMessage } from "./stanza.stanzas.js";
import type { StanzaRecord } from "../xmpp/messages.js";
import { queryArchive } from "../xmpp/mam.js";
import { bareOf } from "../xmpp/jid.js";

/** One event of a live feed: a message, or notice that messages may have been missed. */
export type FeedEvent = { record: StanzaRecord } | { gap: ApiError };

export interface ReconnectPolicy {
  /** First wait after a fault; doubles up to maxMs. */
  minMs: number;
  maxMs: number;
  /** After this long without a session the feed ends with `xmpp_unavailable`. */
  giveUpMs: number;
}

export interface LiveFeedOptions {
  /** The caller's pooled session, logging in again when needed (with the caller's credential). */
  openSession: () => Promise<XmppSession>;
  /** Keeps the session in the pool while the feed lives; returns the release. */
  pin: (session: XmppSession) => () => void;
  reconnect: ReconnectPolicy;
  /** How many events may wait for a slow consumer before the feed ends. */
  buffer: number;
}

const CATCH_UP_PAGE = 50;
const REMEMBERED_IDS = 2048;

/**
 * Every message that reaches the user, for as long as the consumer iterates — across
 * faults of the XMPP connection. While live, the session is available (see
 * XmppSession.holdPresence) and pinned. When the connection drops, the feed logs in
 * again with backoff, then replays from the user's archive (XEP-0313) everything after
 * the last archived message it delivered, deduplicated by archive id, before going live
 * again: nothing is lost, nothing is delivered twice. Without an archive it says so with
 * a `gap` event instead of staying silent.
 */
export async function openLiveFeed(options: LiveFeedOptions): Promise<AsyncIterableIterator<FeedEvent>> {
  let detach: (() => void) | undefined;
  let ended = false;
  const stream = new MessageStream<FeedEvent>(options.buffer, () => {
    ended = true;
    detach?.();
  });
  // A bounded window of keys: enough to dedupe a catch-up against live traffic, and a
  // carbon copy against the same message coming again from offline storage.
  const delivered = new RecentKeys(REMEMBERED_IDS);
  let lastArchiveId: string | undefined;
  let archiveUsable = true;

  const deliver = (record: StanzaRecord) => {
    const key = deliveryKey(record);
    if (key !== undefined && !delivered.add(key)) return;
    if (record.archiveId !== undefined) lastArchiveId = record.archiveId;
    stream.push({ record });
  };

  /** Listens on `session`; live messages wait in `pending` until `goLive()`. */
  const attach = async (session: XmppSession) => {
    const unpin = options.pin(session);
    let pending: StanzaRecord[] | undefined = [];
    const removeListener = session.onStanza((stanza) => {
      const record = parseIncomingMessage(stanza, session.bareJid);
      if (!record) return;
      if (pending) pending.push(record);
      else deliver(record);
    });
    const removeCloseListener = session.onClose(() => {
      cleanup();
      if (!ended) void recover();
    });
    let releasePresence: (() => Promise<void>) | undefined;
    const cleanup = () => {
      removeListener();
      removeCloseListener();
      void releasePresence?.();
      unpin();
      if (detach === cleanup) detach = undefined;
    };
    detach = cleanup;
    releasePresence = await session.holdPresence();
    return {
      goLive() {
        const waiting = pending ?? [];
        pending = undefined;
        for (const record of waiting) deliver(record);
      },
    };
  };

  const newestArchiveId = async (session: XmppSession): Promise<string | undefined> => {
    const page = await queryArchive(session, { max: 1 });
    return page.records.at(-1)?.archiveId;
  };

  const catchUp = async (session: XmppSession) => {
    if (!archiveUsable || lastArchiveId === undefined) {
      stream.push({ gap: new ApiError("messages_may_be_lost", "The XMPP connection was lost and the user's archive cannot replay what arrived meanwhile") });
      return;
    }
    let after = lastArchiveId;
    for (;;) {
      const page = await queryArchive(session, { max: CATCH_UP_PAGE, afterId: after });
      // The archive also holds what the user sent from other clients; a feed carries
      // only what reached the user. Outgoing ones still move the position forward.
      for (const record of page.records) {
        if (record.sender !== null && bareOf(record.sender) === session.bareJid) {
          if (record.archiveId !== undefined) lastArchiveId = record.archiveId;
        } else {
          deliver(record);
        }
      }
      if (page.complete || page.last === undefined || page.records.length === 0) return;
      after = page.last;
    }
  };

  const recover = async () => {
    const started = Date.now();
    let wait = options.reconnect.minMs;
    while (!ended) {
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (ended) return;
      try {
        const session = await options.openSession();
        const link = await attach(session);
        try {
          await catchUp(session);
        } catch (error) {
          stream.push({ gap: toApiError(error) });
        }
        link.goLive();
        return;
      } catch (error) {
        const apiError = error instanceof ApiError ? error : toApiError(error);
        // Credentials refused or the gateway shutting down: trying again cannot help.
        if (["wrong_credentials", "service_unavailable"].includes(apiError.code) || Date.now() - started >= options.reconnect.giveUpMs) {
          stream.fail(apiError.code === "wrong_credentials" || apiError.code === "service_unavailable"
            ? apiError
            : toApiError(new XmppConnectionError("the XMPP connection could not be restored; subscribe again")));
          return;
        }
        wait = Math.min(wait * 2, options.reconnect.maxMs);
      }
    }
  };

  const session = await options.openSession();
  const link = await attach(session);
  try {
    lastArchiveId = await newestArchiveId(session);
  } catch {
    archiveUsable = false; // no MAM: a later fault is reported as a gap
  }
  link.goLive();
  return stream;
}

/**
 * What tells two copies of one message from two messages: the archive id the user's
 * server stamped (XEP-0359), else the sender's full JID with the message's id (clients
 * make one per stanza, to match errors to it). Copies arise while the session's priority
 * follows the user's clients (XmppSession.holdPresence): Prosody sends a carbon copy of
 * a message it stores offline, and delivers the stored one too at the session's next
 * initial presence (a reconnect, setLast).
 * @returns the key, or undefined for a message nothing identifies (never deduplicated).
 */
export function deliveryKey(record: StanzaRecord): string | undefined {
  if (record.archiveId !== undefined) return `archive ${record.archiveId}`;
  if (record.stanza_id !== "" && record.sender !== null) return `message ${record.sender} ${record.stanza_id}`;
  return undefined;
}
