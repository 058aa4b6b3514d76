import type { XmppSession } from "../xmpp/session.js";
import type { ContactPresence, PresenceShow } from "../generated/graphql.js";
import { ApiError } from "../errors/api-error.js";
import { toApiError } from "../errors/map-error.js";
import { bareOf, resourceOf } from "../xmpp/jid.js";
import type { ResourceState, Show } from "../xmpp/contact-presence.js";
import { readRoster } from "../roster/roster.api.js";
import { buildServerPing } from "../xmpp/ping.js";
import { getLast } from "../last/last.api.js";
import { mapLimit } from "../util/map-limit.js";
import { contactPresence, presenceBookOf, type PresenceBook } from "./presence-book.js";

/*
 * The caller's own presence and the contacts' (RFC 6121 §4; XEP-0319 idle; XEP-0012
 * last activity), on the session's presence holder and book.
 */

/** XEP-0012 queries in flight at once for one `contacts` read: a big roster must not flood the session. */
export const LAST_SEEN_CONCURRENCY = 8;
/** How long a glimpse waits for more presence once the server answered a ping. */
export const SETTLE_QUIET_MS = 150;
/** The most a glimpse waits after the ping, whatever still trickles in. */
export const SETTLE_MAX_MS = 750;

export interface SetPresenceInput {
  show: PresenceShow;
  status?: string | null;
  priority?: number | null;
  idleSince?: Date | null;
}

/**
 * Sets what the session announces for the caller (PresenceHolder.setWanted): at once,
 * and for every live stream; without a stream it holds the session available until the
 * last stream ends or the pooled session closes (POOL_IDLE_TIMEOUT_MS without requests).
 * @returns the caller's presence afterwards, as far as the session knows it.
 * @throws ApiError `invalid_input` (field `priority`) outside −128…127.
 */
export async function setPresence(session: XmppSession, input: SetPresenceInput): Promise<ContactPresence> {
  const priority = input.priority ?? null;
  if (priority !== null && (!Number.isInteger(priority) || priority < -128 || priority > 127)) {
    throw new ApiError("invalid_input", "`priority` must be an integer from -128 to 127", { field: "priority" });
  }
  const book = presenceBookOf(session);
  const wasAvailable = session.ownPresence.availabilityEpoch !== undefined;
  try {
    await session.ownPresence.setWanted({
      show: input.show.toLowerCase() as Show,
      status: input.status === undefined || input.status === "" ? null : input.status,
      priority,
      idleSince: input.idleSince ?? null,
    });
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
  // Just available: the other resources' presence is on its way; answer with it.
  if (!wasAvailable) await settled(session, book, []);
  return ownSummary(session, book, true);
}

/**
 * The caller's online resources as contacts see them: the user's other clients, and the
 * gateway's resource while it is available for the caller. When nothing holds the session
 * available it becomes available just long enough to hear the other resources (see
 * {@link withPresence}); that brief presence is left out of the answer.
 */
export async function getOwnPresence(session: XmppSession): Promise<ContactPresence> {
  const book = presenceBookOf(session);
  if (session.ownPresence.availabilityEpoch !== undefined) {
    await settled(session, book, []);
    return ownSummary(session, book, true);
  }
  return withPresence(session, book, [], () => ownSummary(session, book, false));
}

/**
 * The presence of the caller's roster contacts, or of those asked. Only contacts whose
 * presence the caller is subscribed to (subscription TO or BOTH) can be seen; the others
 * read as OFFLINE without `lastSeen`. Offline visible contacts get `lastSeen` from
 * XEP-0012 when the server tells (queried after the brief presence ended).
 */
export async function getContactsPresence(session: XmppSession, asked?: readonly string[] | null): Promise<ContactPresence[]> {
  const roster = await readRoster(session);
  const visible = new Set(roster.filter((i) => i.subscription === "TO" || i.subscription === "BOTH").map((i) => i.jid));
  const jids = asked ? [...new Set(asked.map((jid) => bareOf(jid)))] : roster.map((i) => i.jid);
  const book = presenceBookOf(session);
  const read = () => jids.map((jid) => (visible.has(jid) ? book.summary(jid) : contactPresence(jid, [])));
  const expected = jids.filter((jid) => visible.has(jid));
  const answer = session.ownPresence.availabilityEpoch !== undefined
    ? await settled(session, book, expected).then(read)
    : await withPresence(session, book, expected, read);
  const offline = answer.filter((presence) => presence.show === "OFFLINE" && visible.has(presence.jid));
  await mapLimit(offline, LAST_SEEN_CONCURRENCY, async (presence) => {
    presence.lastSeen = await getLast(session, presence.jid).then((last) => last.timestamp, () => null);
  });
  return answer;
}

/**
 * Makes the session available (PresenceHolder.glimpse, priority −1) just long enough to
 * hear presence (see {@link settled}).
 */
async function withPresence<T>(session: XmppSession, book: PresenceBook, expected: readonly string[], read: () => T): Promise<T> {
  try {
    return await session.ownPresence.glimpse(read, { settle: () => settled(session, book, expected) });
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
}

/**
 * Waits, once each time the session becomes available (shared by the reads meanwhile),
 * for the presence the server sends after initial presence (RFC 6121 §4.2.2): the
 * contacts' and the other resources'. A ping round trip covers what the server sends at
 * once; presence that other server processes or servers answer later is waited for until
 * every contact in `expected` is heard of, or {@link SETTLE_QUIET_MS} pass without more,
 * at most {@link SETTLE_MAX_MS}.
 */
function settled(session: XmppSession, book: PresenceBook, expected: readonly string[]): Promise<void> {
  const epoch = session.ownPresence.availabilityEpoch;
  if (epoch === undefined) return Promise.resolve();
  return session.memo.remember(`presence-settled:${epoch}`, async () => {
    let heard: () => void = () => undefined;
    const stop = session.onStanza((stanza) => {
      if (stanza.name === "presence") heard();
    });
    try {
      await session.iq(buildServerPing(session.domain));
      const deadline = Date.now() + SETTLE_MAX_MS;
      while (expected.length === 0 || expected.some((jid) => !book.knows(jid))) {
        const left = deadline - Date.now();
        if (left <= 0) return;
        const more = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), Math.min(SETTLE_QUIET_MS, left));
          heard = () => {
            clearTimeout(timer);
            resolve(true);
          };
        });
        if (!more) return;
      }
    } finally {
      stop();
    }
  });
}

/**
 * The caller's presence over the other resources the book knows and, when `withGateway`,
 * this session's own announced presence (the server's echo of it is not relied upon).
 */
function ownSummary(session: XmppSession, book: PresenceBook, withGateway: boolean): ContactPresence {
  const self = resourceOf(session.jid) ?? "";
  const resources: ResourceState[] = book.resources(session.bareJid).filter((r) => r.resource !== self);
  const announced = session.ownPresence.announcedPresence;
  if (withGateway && announced) resources.push({ resource: self, ...announced });
  return contactPresence(session.bareJid, resources);
}
