import { xml, type Element } from "@xmpp/xml";
import { NS_CARBONS, NS_PING } from "./namespaces.js";
import { resourceOf } from "./jid.js";
import { buildAvailablePresence, buildUnavailablePresence, GATEWAY_RESOURCE, gatewayPriority, parseOwnResourcePresence, PRIORITY_ALONE, PRIORITY_BEHIND_CLIENTS } from "./presence.js";
import { buildPresence, type OwnPresence } from "./contact-presence.js";
import { buildLastQuery, parseLastReply } from "./last-activity.js";

/** The priority of a glimpse: below every routable client, so nothing is routed to it. */
const PRIORITY_GLIMPSE = -1;

/** What the holder needs of its session. */
export interface PresenceLink {
  /** Full JID bound by the server. */
  readonly jid: string;
  /** Bare JID, lower-case. */
  readonly bareJid: string;
  readonly isOpen: boolean;
  iq(stanza: Element): Promise<Element>;
  send(stanza: Element): Promise<void>;
}

/** What the user asked to announce; `priority` null keeps the gateway's rule. */
export interface WantedPresence {
  show: OwnPresence["show"];
  status: string | null;
  priority: number | null;
  idleSince: Date | null;
}

const ONLINE: WantedPresence = { show: "online", status: null, priority: null, idleSince: null };

/**
 * A pooled session's presence (RFC 6121 §4). It is unavailable unless something holds it:
 * - a live subscription (`hold`): available with what the user set (`setWanted`, default
 *   online), Message Carbons (XEP-0280) on, and — unless the user chose a priority — a
 *   priority that follows the user's own clients (see {@link gatewayPriority});
 * - the user's own `setWanted` without a subscription (`standalone`): available until the
 *   last subscription ends or the session closes, at priority −1 unless chosen, since no
 *   one reads messages routed to it;
 * - a read that needs the contacts' presence (`borrow`): available just for that read,
 *   at priority −1, so that no message is routed to the gateway meanwhile.
 * `wanted.show` offline keeps it unavailable for subscriptions and `standalone` alike.
 * Presence changes go out one after another.
 */
export class PresenceHolder {
  private streams = 0;
  private borrowers = 0;
  private standalone = false;
  private wanted: WantedPresence = ONLINE;
  private carbonsOn = false;
  /** The last presence change, which the next one waits for: they go out in order. */
  private change: Promise<void> = Promise.resolve();
  /** The presence last announced, or undefined while the session is unavailable. */
  private announced: OwnPresence | undefined;
  /** Counts the times the session became available: what it heard before is stale after. */
  private epoch = 0;
  /** The user's own clients that are available, by resource, with their priority. */
  private readonly clientPriorities = new Map<string, number>();
  /** While a glimpse runs: every other resource of the user heard of, with its priority. */
  private glimpsed: Map<string, number> | undefined;

  constructor(private readonly link: PresenceLink) {}

  /**
   * Makes the session available (as the user set it) while the returned release function
   * has not been called, with Message Carbons on. Without a priority set by the user it
   * follows the user's own clients (see {@link gatewayPriority}): -1 while one of them is
   * routable, so that messages to the bare JID go to that client and reach the gateway
   * only as carbon copies (RFC 6121 §8.5.2.1.1 never picks a negative priority); 0 while
   * none is, so that they are delivered to the gateway — some servers (ejabberd) copy
   * nothing they store offline. The last release makes the session unavailable, and ends
   * a presence that `setWanted` held without a subscription.
   * @throws what the session's iq and send throw when carbons or presence cannot be set.
   */
  async hold(): Promise<() => Promise<void>> {
    this.streams++;
    try {
      await this.queue(() => this.reconcile());
    } catch (error) {
      this.streams--;
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (--this.streams === 0) {
        this.standalone = false;
        if (this.link.isOpen) await this.queue(() => this.reconcile()).catch(() => undefined);
      }
    };
  }

  /**
   * Runs `read` while the session is available, making it available (at priority −1)
   * just for that when nothing else holds it.
   * @param settle what to wait for once the session is available, e.g. the contacts'
   *        presence that the server sends after initial presence.
   */
  async borrow<T>(settle: () => Promise<void>, read: () => T | Promise<T>): Promise<T> {
    this.borrowers++;
    try {
      await this.queue(() => this.reconcile());
      await settle();
      return await read();
    } finally {
      if (--this.borrowers === 0 && this.link.isOpen) await this.queue(() => this.reconcile()).catch(() => undefined);
    }
  }

  /**
   * Sets the presence to announce and announces it: at once while a subscription holds
   * the session; without one, an available `wanted` holds the session available by
   * itself (until a subscription ends or the session closes), and offline ends that.
   * @throws what the session's send throws.
   */
  async setWanted(wanted: WantedPresence): Promise<void> {
    this.wanted = wanted;
    if (this.streams === 0) this.standalone = wanted.show !== "offline";
    await this.queue(() => this.reconcile());
  }

  /** The presence the user set (default online with the gateway's priority rule). */
  get wantedPresence(): WantedPresence {
    return this.wanted;
  }

  /** The presence the session announces now, or undefined while it is unavailable. */
  get announcedPresence(): OwnPresence | undefined {
    return this.announced;
  }

  /**
   * Increases each time the session becomes available, undefined while it is not: what
   * was heard of others under an older epoch is stale (the server stopped telling).
   */
  get availabilityEpoch(): number | undefined {
    return this.announced === undefined ? undefined : this.epoch;
  }

  /**
   * Sends unavailable presence with a status, which servers record as the account's last
   * activity. A held presence is announced again at once: an unavailable session gets
   * neither messages nor carbon copies, which a live subscription needs. That is a new
   * initial presence, so its priority starts over too.
   * @throws what the session's send throws.
   */
  async announceUnavailable(status: string): Promise<void> {
    await this.queue(async () => {
      await this.goUnavailable(status);
      await this.reconcile();
    });
  }

  /**
   * The user's other available resources (gateway sessions included) with their priority,
   * as the server tells an available session (RFC 6121 §4.2.2 leaves it to servers;
   * Prosody sends them right after the initial presence, before answering anything sent
   * later). A held session already knows its user's clients. Otherwise the session is made
   * available for one server round trip at priority −1 — so that nothing stored offline is
   * delivered to it (§8.5.2.1.1) — and unavailable again; contacts see that presence.
   * Servers record that unavailable presence's status as the user's last activity
   * (XEP-0012), so it repeats the status recorded before (the time becomes now).
   * @throws what the session's iq and send throw.
   */
  async glimpseResources(): Promise<Map<string, number>> {
    let seen = new Map<string, number>();
    await this.queue(async () => {
      if (this.announced !== undefined) {
        seen = new Map(this.clientPriorities);
        return;
      }
      const status = parseLastReply(await this.link.iq(buildLastQuery()))?.status ?? "";
      this.glimpsed = seen;
      try {
        await this.link.send(buildAvailablePresence(PRIORITY_GLIMPSE));
        await this.link.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: NS_PING })));
      } finally {
        this.glimpsed = undefined;
        if (this.link.isOpen) await this.link.send(buildUnavailablePresence(status));
      }
    });
    return seen;
  }

  /** Whether a live subscription currently holds the presence. */
  get isHeld(): boolean {
    return this.streams > 0;
  }

  /**
   * Follows the user's own clients while the session is available, and announces a new
   * priority when they call for one. Other gateway sessions are left out: two gateways
   * reacting to each other's priority would flip without end.
   */
  track(stanza: Element): void {
    if (this.glimpsed) this.noteGlimpsed(stanza);
    if (this.announced === undefined) return;
    const own = parseOwnResourcePresence(stanza, this.link.bareJid);
    // The server echoes this session's own presence back to it; it is not a client either.
    if (!own || GATEWAY_RESOURCE.test(own.resource) || resourceOf(this.link.jid) === own.resource) return;
    if (own.priority === null) this.clientPriorities.delete(own.resource);
    else this.clientPriorities.set(own.resource, own.priority);
    if (this.target()?.priority !== this.announced.priority) {
      void this.queue(() => this.reconcile()).catch(() => undefined);
    }
  }

  private noteGlimpsed(stanza: Element): void {
    const own = parseOwnResourcePresence(stanza, this.link.bareJid);
    if (!own || resourceOf(this.link.jid) === own.resource) return;
    if (own.priority === null) this.glimpsed!.delete(own.resource);
    else this.glimpsed!.set(own.resource, own.priority);
  }

  /** Runs a presence change after the ones before it, whether or not they failed. */
  private queue(change: () => Promise<void>): Promise<void> {
    this.change = this.change.catch(() => undefined).then(change);
    return this.change;
  }

  /**
   * The presence the session should announce now, or undefined for unavailable. A
   * borrowed presence is available even when the user chose offline: the read needs it.
   */
  private target(): OwnPresence | undefined {
    const held = this.streams > 0 || this.standalone;
    if (!(held && this.wanted.show !== "offline") && this.borrowers === 0) return undefined;
    const show = this.wanted.show === "offline" ? "online" : this.wanted.show;
    return { show, status: this.wanted.status, idleSince: this.wanted.idleSince, priority: this.wantedPriority() };
  }

  /**
   * An explicit priority wins. A subscription's follows the user's clients: at initial
   * presence nothing is known of them (the server answers it with their presence), so it
   * starts at {@link PRIORITY_ALONE} and moves below a client as soon as one is heard of;
   * starting below would never learn that no client is there. Meanwhile a routable client
   * has the same or a higher priority, so it keeps receiving what is sent to the bare JID.
   * Without a subscription no one reads what reaches the session: never routable.
   */
  private wantedPriority(): number {
    if (this.wanted.priority !== null) return this.wanted.priority;
    if (this.streams === 0) return PRIORITY_BEHIND_CLIENTS;
    return this.announced === undefined ? PRIORITY_ALONE : gatewayPriority(this.clientPriorities.values());
  }

  /** Announces what {@link target} says, only if it is not what was last announced. */
  private async reconcile(): Promise<void> {
    if (!this.link.isOpen) return;
    const target = this.target();
    if (target === undefined) {
      if (this.announced !== undefined) await this.goUnavailable(this.wanted.show === "offline" ? this.wanted.status ?? undefined : undefined);
      return;
    }
    if (this.streams > 0 && !this.carbonsOn) {
      await this.link.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: NS_CARBONS })));
      this.carbonsOn = true;
    }
    if (this.announced !== undefined && samePresence(this.announced, target)) return;
    if (this.announced === undefined) {
      // Initial presence: the server answers it with the other clients' presence.
      this.clientPriorities.clear();
      this.epoch++;
    }
    this.announced = target;
    await this.link.send(buildPresence(target));
  }

  private async goUnavailable(status?: string): Promise<void> {
    // Unavailable, the session hears nothing more of the other clients: forget them.
    this.announced = undefined;
    this.clientPriorities.clear();
    await this.link.send(buildUnavailablePresence(status));
  }
}

function samePresence(a: OwnPresence, b: OwnPresence): boolean {
  return a.show === b.show && a.status === b.status && a.priority === b.priority && a.idleSince?.getTime() === b.idleSince?.getTime();
}
