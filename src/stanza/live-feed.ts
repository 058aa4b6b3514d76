import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { toApiError } from "../errors/map-error.js";
import { StanzaError, XmppConnectionError } from "../xmpp/errors.js";
import { MessageStream, RecentKeys } from "./message-stream.js";
import { parseIncomingMessage, parseSentCarbon } from "./stanza.stanzas.js";
import type { StanzaRecord } from "../xmpp/messages.js";
import { queryArchive } from "../xmpp/mam.js";
import { bareOf } from "../xmpp/jid.js";

/**
 * One event of a live feed: a message (`outgoing` when the user sent it from another
 * client, `replayed` when it came from the archive), another stanza the feed was asked
 * to carry, or notice that messages may have been missed.
 */
export type FeedEvent =
  | { record: StanzaRecord; outgoing: boolean; replayed: boolean }
  | { stanza: Element }
  | { gap: ApiError };

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
  /** What the feed carries beside incoming messages: the user's own, and other stanzas. */
  include?: { outgoing?: boolean; stanza?: (stanza: Element) => boolean };
  /**
   * Resume: replay what the archive holds after this archive id before going live. An
   * id the archive does not know gives an `unknown_cursor` gap first, then live events.
   */
  since?: string;
  /**
   * Runs on each session once the feed listens on it, before the archive catch-up:
   * whatever makes the server send the session what the feed carries (e.g. asking for
   * the roster, which makes it an "interested resource" for roster pushes).
   */
  prepare?: (session: XmppSession) => Promise<void>;
  /**
   * How often the caller's credential is presented to the pool again while the feed lives
   * (the pool's recheck bound): a feed makes no requests of its own, and without this a
   * password changed elsewhere would keep it running. When the pool's re-proof fails it
   * closes the session, and the feed ends with `wrong_credentials` on its way back.
   */
  reproveEveryMs: number;
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
  const reprove = setInterval(() => void options.openSession().catch(() => undefined), options.reproveEveryMs);
  reprove.unref();
  const stream = new MessageStream<FeedEvent>(options.buffer, () => {
    ended = true;
    clearInterval(reprove);
    detach?.();
  });
  // A bounded window of keys: enough to dedupe a catch-up against live traffic, and a
  // carbon copy against the same message coming again from offline storage.
  const delivered = new RecentKeys(REMEMBERED_IDS);
  let lastArchiveId: string | undefined;
  let archiveUsable = true;

  const deliver = (event: FeedEvent) => {
    if ("record" in event) {
      const key = deliveryKey(event.record);
      if (key !== undefined && !delivered.add(key)) return;
      if (event.record.archiveId !== undefined) lastArchiveId = event.record.archiveId;
    }
    stream.push(event);
  };

  /** What a live stanza is to this feed, if anything. */
  const toEvent = (stanza: Element, session: XmppSession): FeedEvent | undefined => {
    const record = parseIncomingMessage(stanza, session.bareJid);
    if (record) return { record, outgoing: false, replayed: false };
    const sent = options.include?.outgoing ? parseSentCarbon(stanza, session.bareJid) : null;
    if (sent) return { record: sent, outgoing: true, replayed: false };
    return options.include?.stanza?.(stanza) ? { stanza } : undefined;
  };

  /** Listens on `session`; live events wait in `pending` until `goLive()`. */
  const attach = async (session: XmppSession) => {
    const unpin = options.pin(session);
    let pending: FeedEvent[] | undefined = [];
    const removeListener = session.onStanza((stanza) => {
      const event = toEvent(stanza, session);
      if (!event) return;
      if (pending) pending.push(event);
      else deliver(event);
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
    await options.prepare?.(session);
    return {
      goLive() {
        const waiting = pending ?? [];
        pending = undefined;
        for (const event of waiting) deliver(event);
      },
    };
  };

  const newestArchiveId = async (session: XmppSession): Promise<string | undefined> => {
    const page = await queryArchive(session, { max: 1 });
    return page.records.at(-1)?.archiveId;
  };

  /** Replays the archive after the last delivered id; returns how many messages it read. */
  const catchUp = async (session: XmppSession): Promise<number> => {
    if (!archiveUsable || lastArchiveId === undefined) {
      stream.push({ gap: new ApiError("messages_may_be_lost", "The XMPP connection was lost and the user's archive cannot replay what arrived meanwhile") });
      return 0;
    }
    let after = lastArchiveId;
    let read = 0;
    for (;;) {
      const page = await queryArchive(session, { max: CATCH_UP_PAGE, afterId: after });
      // The archive also holds what the user sent from other clients: a feed without
      // `include.outgoing` skips those, but they still move the position forward.
      read += page.records.length;
      for (const record of page.records) {
        const outgoing = record.sender !== null && bareOf(record.sender) === session.bareJid;
        if (!outgoing || options.include?.outgoing) deliver({ record, outgoing, replayed: true });
        else if (record.archiveId !== undefined) lastArchiveId = record.archiveId;
      }
      if (page.complete || page.last === undefined || page.records.length === 0) return read;
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

  let session: XmppSession;
  let link: Awaited<ReturnType<typeof attach>>;
  try {
    session = await options.openSession();
    link = await attach(session);
  } catch (error) {
    clearInterval(reprove);
    throw error;
  }
  try {
    if (options.since !== undefined) {
      lastArchiveId = options.since;
      const known = await catchUp(session).then(
        // Some servers (ejabberd) answer an empty page for an id they do not know. Nothing
        // after the cursor is only right when it is the newest id of the archive.
        async (replayed) => replayed > 0 || (await newestArchiveId(session)) === options.since,
        (error: unknown) => {
          if (error instanceof StanzaError && error.condition === "item-not-found") return false;
          throw error;
        },
      );
      if (!known) {
        stream.push({ gap: new ApiError("unknown_cursor", "The archive does not know this cursor (it may have expired); reload, then resume from a newer event's cursor") });
        lastArchiveId = await newestArchiveId(session);
      }
    } else {
      lastArchiveId = await newestArchiveId(session);
    }
  } catch {
    archiveUsable = false; // no MAM: a later fault is reported as a gap
    if (options.since !== undefined) stream.push({ gap: new ApiError("messages_may_be_lost", "The user's archive cannot replay what arrived since this cursor") });
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
