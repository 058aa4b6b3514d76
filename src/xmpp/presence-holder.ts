import { xml, type Element } from "@xmpp/xml";
import { NS_CARBONS, NS_PING } from "./namespaces.js";
import { resourceOf } from "./jid.js";
import { buildAvailablePresence, buildUnavailablePresence, GATEWAY_RESOURCE, gatewayPriority, parseOwnResourcePresence, PRIORITY_ALONE, PRIORITY_BEHIND_CLIENTS } from "./presence.js";
import { buildPresence, type OwnPresence } from "./contact-presence.js";
import { buildLastQuery, parseLastReply } from "./last-activity.js";

/** The priority of a glimpse: below every routable client, so nothing is routed to it. */
const PRIORITY_GLIMPSE = -1;

/** How a {@link PresenceHolder.glimpse} makes the session available. */
export interface GlimpseOptions {
  /**
   * The priority while only glimpses hold the session (default −1, so that nothing is
   * routed to it); a priority the user chose wins.
   */
  priority?: number;
  /** What to wait for once available before reading (default: one ping round trip). */
  settle?: () => Promise<void>;
  /** Told every presence that arrives while the glimpse runs, from its initial presence on. */
  collect?: (stanza: Element) => void;
}

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
 * - a read that needs what the server tells an available session (`glimpse`): available
 *   just for that read, at priority −1 unless the read asks otherwise, so that no message
 *   is routed to the gateway meanwhile.
 * `wanted.show` offline keeps it unavailable for subscriptions and `standalone` alike.
 * Presence changes go out one after another.
 */
export class PresenceHolder {
  private streams = 0;
  /** The priority each running glimpse asked for. */
  private readonly glimpses: number[] = [];
  /** Told every presence while a glimpse that asked for it runs. */
  private readonly collectors = new Set<(stanza: Element) => void>();
  /** The last-activity status to repeat when the presence a glimpse made ends (none when unknown). */
  private statusToRepeat: Promise<string> | undefined;
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
   * The one way to become available briefly: runs `read` while the session is available,
   * making it available just for that when nothing else holds it, then unavailable again.
   * Concurrent glimpses share one presence. While the glimpse made the session available,
   * contacts see it online; the unavailable presence that ends it repeats the status the
   * server had recorded as the user's last activity (XEP-0012; its time becomes now).
   * @param read gets `initial`: whether this glimpse's own initial presence made the
   *        session available, so that what the server sends in answer to one (RFC 6121
   *        §4.2.2, §3.1.3: the other resources, contacts, pending subscription requests)
   *        reached {@link GlimpseOptions.collect}; false when the session was already
   *        available (the server sends none of that again).
   * @throws what the session's iq and send throw.
   */
  async glimpse<T>(read: (initial: boolean) => T | Promise<T>, options: GlimpseOptions = {}): Promise<T> {
    const priority = options.priority ?? PRIORITY_GLIMPSE;
    const collect = options.collect;
    let initial = false;
    this.glimpses.push(priority);
    if (collect) this.collectors.add(collect);
    try {
      await this.queue(async () => {
        if (this.announced === undefined && this.link.isOpen) {
          // Sent before the presence, so the server answers with the status recorded before
          // it; the answer is needed only when the glimpse ends, so it is not waited for here.
          this.statusToRepeat = this.link.iq(buildLastQuery()).then((reply) => parseLastReply(reply)?.status ?? "", () => "");
          initial = true;
        }
        await this.reconcile();
      });
      await (options.settle ?? (() => this.link.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: NS_PING })))))();
      return await read(initial);
    } finally {
      if (collect) this.collectors.delete(collect);
      this.glimpses.splice(this.glimpses.indexOf(priority), 1);
      if (this.glimpses.length === 0 && this.link.isOpen) await this.queue(() => this.reconcile()).catch(() => undefined);
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
   * The user's other clients that are available, by resource, with their priority, as the
   * server tells an available session (RFC 6121 §4.2.2 leaves it to servers; Prosody sends
   * them right after the initial presence, before answering anything sent later). A held
   * session already knows them; otherwise a {@link glimpse} at priority −1 learns them.
   * Other gateway sessions are left out.
   * @throws what the session's iq and send throw.
   */
  clientResources(): Promise<Map<string, number>> {
    return this.glimpse(() => new Map(this.clientPriorities));
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
    for (const collect of this.collectors) collect(stanza);
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

  /** Runs a presence change after the ones before it, whether or not they failed. */
  private queue(change: () => Promise<void>): Promise<void> {
    this.change = this.change.catch(() => undefined).then(change);
    return this.change;
  }

  /**
   * The presence the session should announce now, or undefined for unavailable. A
   * glimpse is available even when the user chose offline: the read needs it.
   */
  private target(): OwnPresence | undefined {
    const held = this.streams > 0 || this.standalone;
    if (!(held && this.wanted.show !== "offline") && this.glimpses.length === 0) return undefined;
    const show = this.wanted.show === "offline" ? "online" : this.wanted.show;
    return { show, status: this.wanted.status, idleSince: this.wanted.idleSince, priority: this.wantedPriority() };
  }

  /**
   * An explicit priority wins. A subscription's follows the user's clients: at initial
   * presence nothing is known of them (the server answers it with their presence), so it
   * starts at {@link PRIORITY_ALONE} and moves below a client as soon as one is heard of;
   * starting below would never learn that no client is there. Meanwhile a routable client
   * has the same or a higher priority, so it keeps receiving what is sent to the bare JID.
   * Without a subscription no one reads what reaches the session: never routable, unless
   * only glimpses hold it and one asked for more (the highest asked wins).
   */
  private wantedPriority(): number {
    if (this.wanted.priority !== null) return this.wanted.priority;
    if (this.streams === 0 && !this.standalone && this.glimpses.length > 0) return Math.max(...this.glimpses);
    if (this.streams === 0) return PRIORITY_BEHIND_CLIENTS;
    return this.announced === undefined ? PRIORITY_ALONE : gatewayPriority(this.clientPriorities.values());
  }

  /** Announces what {@link target} says, only if it is not what was last announced. */
  private async reconcile(): Promise<void> {
    if (!this.link.isOpen) return;
    const target = this.target();
    if (target === undefined) {
      if (this.announced !== undefined) await this.goUnavailable(this.wanted.show === "offline" ? this.wanted.status ?? undefined : await this.statusToRepeat);
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
    this.statusToRepeat = undefined;
    await this.link.send(buildUnavailablePresence(status));
  }
}

function samePresence(a: OwnPresence, b: OwnPresence): boolean {
  return a.show === b.show && a.status === b.status && a.priority === b.priority && a.idleSince?.getTime() === b.idleSince?.getTime();
}
