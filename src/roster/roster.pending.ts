import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { NS_ROSTER } from "../xmpp/namespaces.js";
import { bareOf } from "../xmpp/jid.js";
import { parseSubscriptionPresence } from "../xmpp/contact-presence.js";
import { holdBackOfflineMessages } from "../xmpp/offline.js";
import type { RosterItem } from "./roster.stanzas.js";

/*
 * Incoming subscription requests still waiting for the user's answer (RFC 6121 §3.1.3).
 * The roster does not carry them (§2.1.2.2); a server keeps each one and sends it again
 * to every session that becomes available, and sends new ones live to available sessions.
 * The gateway learns them with a glimpse (PresenceHolder.glimpse) and remembers them per
 * session for a short time, following what it hears meanwhile.
 */

/**
 * How long the requests a glimpse heard are trusted before a read glimpses again, by
 * default (`PENDING_REQUESTS_FRESHNESS_MS`): each glimpse shows the user online to
 * contacts for a moment, so a client polling the roster makes it flicker this often.
 */
export const PENDING_REQUESTS_FRESH_MS = 10_000;

/**
 * The priority of a glimpse for pending requests where the server holds the user's offline
 * messages back from the session (XEP-0013): some servers (ejabberd) send pending requests
 * again only to an initial presence of priority 0 or more (at which, without XEP-0013,
 * they would also hand the session the offline messages). Elsewhere −1, at which nothing
 * sent to the bare JID is routed to the gateway.
 */
export const PRIORITY_FOR_REQUESTS = 0;

/**
 * What one session knows of the requests pending for its user: replaced by what a
 * glimpse heard, then kept up to date by what the session hears (a new request, a
 * request withdrawn, a roster push that shows it answered elsewhere) and by the gateway's
 * own answers.
 */
export class PendingRequests {
  private readonly from = new Set<string>();
  private freshUntil = 0;

  constructor(
    private readonly ownBareJid: string,
    private readonly now: () => number = Date.now,
    private readonly freshMs: number = PENDING_REQUESTS_FRESH_MS,
  ) {}

  /** The contacts whose request is pending, as far as this session knows. */
  get jids(): ReadonlySet<string> {
    return this.from;
  }

  /** Whether a glimpse heard them less than `freshMs` ago. */
  get fresh(): boolean {
    return this.now() < this.freshUntil;
  }

  /** Follows a stanza the session heard. */
  take(stanza: Element): void {
    const request = parseSubscriptionPresence(stanza);
    if (request && request.from !== this.ownBareJid) {
      if (request.kind === "subscribe") this.from.add(request.from);
      // The contact withdrew its request (RFC 6121 §3.3 on a pending request).
      else if (request.kind === "unsubscribe") this.from.delete(request.from);
      return;
    }
    if (stanza.name !== "iq" || stanza.attrs.type !== "set") return;
    // A roster push (RFC 6121 §2.1.6) where the contact now sees the user's presence:
    // another client of the user approved the request.
    for (const item of stanza.getChild("query", NS_ROSTER)?.getChildren("item") ?? []) {
      if ((item.attrs.subscription === "from" || item.attrs.subscription === "both") && item.attrs.jid) {
        this.from.delete(bareOf(item.attrs.jid));
      }
    }
  }

  /** Replaces what is known with what a glimpse heard, trusted for `freshMs`. */
  replace(heard: Iterable<string>): void {
    this.from.clear();
    for (const jid of heard) if (jid !== this.ownBareJid) this.from.add(jid);
    this.freshUntil = this.now() + this.freshMs;
  }

  /** The user answered the contact's request (approved or refused). */
  answered(jid: string): void {
    this.from.delete(jid);
  }
}

/**
 * The session's pending requests, listening on it from the first call on. The app asks
 * for it when a session opens, so that it hears what the server sends to any initial
 * presence of the session, a stream's included; its `freshMs` is the one that first call gives.
 */
export function pendingRequestsOf(session: XmppSession, freshMs?: number): PendingRequests {
  return session.memo.own("roster:pending-requests", () => {
    const pending = new PendingRequests(session.bareJid, Date.now, freshMs);
    session.onStanza((stanza) => pending.take(stanza));
    return pending;
  });
}

/**
 * The contacts whose subscription request to the user is pending. Fresh ones are
 * answered at once; otherwise a glimpse makes the session available for one round trip
 * and collects the requests the server sends again — at priority −1, or at
 * {@link PRIORITY_FOR_REQUESTS} once the server holds the offline messages back
 * (XEP-0013). A session that something else (a stream) holds available is not made
 * available anew: the answer is then what it heard — the requests the server re-sent to
 * that presence and those that arrived live since.
 * Concurrent reads share one glimpse.
 * @throws the session's errors.
 */
export function readPendingRequests(session: XmppSession): Promise<ReadonlySet<string>> {
  const pending = pendingRequestsOf(session);
  if (pending.fresh) return Promise.resolve(pending.jids);
  return session.memo.remember("roster:pending-read", async () => {
    const priority = (await holdBackOfflineMessages(session)) ? PRIORITY_FOR_REQUESTS : undefined;
    const heard = new Set<string>();
    const collect = (stanza: Element) => {
      const request = parseSubscriptionPresence(stanza);
      if (request?.kind === "subscribe") heard.add(request.from);
    };
    await session.ownPresence.glimpse((initial) => {
      if (initial) pending.replace(heard);
    }, { priority, collect });
    return pending.jids;
  }, () => false);
}

/**
 * The roster with the pending incoming requests folded in, as MongooseIM reports them:
 * `ask` IN for a contact that does not see the user's presence yet (subscription NONE or
 * TO) and has asked to, BOTH when the user has asked the contact too; a contact that is
 * only a pending request is an item of its own (subscription NONE, ask IN, no name, no
 * groups), listed after the roster in JID order.
 */
export function withPendingRequests(items: readonly RosterItem[], pending: ReadonlySet<string>): RosterItem[] {
  const listed = new Set(items.map((item) => item.jid));
  const merged = items.map((item): RosterItem => {
    if (!pending.has(item.jid) || item.subscription === "FROM" || item.subscription === "BOTH") return item;
    return { ...item, ask: item.ask === "OUT" ? "BOTH" : "IN" };
  });
  for (const jid of [...pending].filter((j) => !listed.has(j)).sort()) {
    merged.push({ jid, name: null, groups: [], subscription: "NONE", ask: "IN" });
  }
  return merged;
}
