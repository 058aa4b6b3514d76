import { xml, type Element } from "@xmpp/xml";
import { NS_CARBONS, NS_PING } from "./namespaces.js";
import { resourceOf } from "./jid.js";
import { buildLastQuery, parseLastReply } from "./last-activity.js";
import {
  buildAvailablePresence, buildUnavailablePresence, GATEWAY_RESOURCE, gatewayPriority, parseOwnResourcePresence, PRIORITY_ALONE,
} from "./presence.js";

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

/**
 * A pooled session's presence (RFC 6121 §4): unavailable unless something holds it (a
 * live subscription), then available with Message Carbons (XEP-0280) on and a priority
 * that follows the user's own clients. Presence changes go out one after another.
 */
export class PresenceHolder {
  private holders = 0;
  /** The last presence change, which the next one waits for: they go out in order. */
  private change: Promise<void> = Promise.resolve();
  /** The change that made the session available for its current holders. */
  private madeAvailable: Promise<void> = Promise.resolve();
  /** The priority last announced, or undefined while the session is unavailable. */
  private announcedPriority: number | undefined;
  /** The user's own clients that are available, by resource, with their priority. */
  private readonly clientPriorities = new Map<string, number>();
  /** While a glimpse runs: every other resource of the user heard of, with its priority. */
  private glimpsed: Map<string, number> | undefined;

  constructor(private readonly link: PresenceLink) {}

  /**
   * Makes the session available while the returned release function has not been called,
   * with Message Carbons on. Its priority follows the user's own clients (see
   * {@link gatewayPriority}): -1 while one of them is routable, so that messages to the
   * bare JID go to that client and reach the gateway only as carbon copies (RFC 6121
   * §8.5.2.1.1 never picks a negative priority); 0 while none is, so that they are
   * delivered to the gateway — some servers (ejabberd) copy nothing they store offline.
   * @throws what the session's iq and send throw when carbons or presence cannot be set.
   */
  async hold(): Promise<() => Promise<void>> {
    if (this.holders++ === 0) {
      this.madeAvailable = this.queue(async () => {
        await this.link.iq(xml("iq", { type: "set" }, xml("enable", { xmlns: NS_CARBONS })));
        await this.goAvailable();
      });
    }
    try {
      await this.madeAvailable;
    } catch (error) {
      this.holders--;
      throw error;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      if (--this.holders === 0 && this.link.isOpen) {
        await this.queue(() => this.goUnavailable()).catch(() => undefined);
      }
    };
  }

  /**
   * Sends unavailable presence with a status, which servers record as the account's last
   * activity. A held presence is announced again at once: an unavailable session gets
   * neither messages nor carbon copies, which a live subscription needs. That is a new
   * initial presence, so its priority starts over too (see goAvailable).
   * @throws what the session's send throws.
   */
  async announceUnavailable(status: string): Promise<void> {
    await this.queue(async () => {
      await this.goUnavailable(status);
      if (this.holders > 0) await this.goAvailable();
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
      if (this.announcedPriority !== undefined) {
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

  /** Whether something currently holds the presence. */
  get isHeld(): boolean {
    return this.holders > 0;
  }

  /**
   * Follows the user's own clients while the session is available, and announces a new
   * priority when they call for one. Other gateway sessions are left out: two gateways
   * reacting to each other's priority would flip without end.
   */
  track(stanza: Element): void {
    if (this.glimpsed) this.noteGlimpsed(stanza);
    if (this.announcedPriority === undefined) return;
    const own = parseOwnResourcePresence(stanza, this.link.bareJid);
    // The server echoes this session's own presence back to it; it is not a client either.
    if (!own || GATEWAY_RESOURCE.test(own.resource) || resourceOf(this.link.jid) === own.resource) return;
    if (own.priority === null) this.clientPriorities.delete(own.resource);
    else this.clientPriorities.set(own.resource, own.priority);
    if (gatewayPriority(this.clientPriorities.values()) !== this.announcedPriority) {
      void this.queue(() => this.announceWantedPriority()).catch(() => undefined);
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
   * Initial presence. Nothing is known of the user's other clients before it: the server
   * answers it with their presence, or with nothing when there are none. So it starts at
   * {@link PRIORITY_ALONE} and moves below a client as soon as one is heard of; starting
   * below would never learn that no client is there. Meanwhile a routable client has the
   * same or a higher priority, so it keeps receiving what is sent to the bare JID.
   */
  private async goAvailable(): Promise<void> {
    this.clientPriorities.clear();
    this.announcedPriority = PRIORITY_ALONE;
    await this.link.send(buildAvailablePresence(PRIORITY_ALONE));
  }

  private async goUnavailable(status?: string): Promise<void> {
    // Unavailable, the session hears nothing more of the other clients: forget them.
    this.announcedPriority = undefined;
    this.clientPriorities.clear();
    await this.link.send(buildUnavailablePresence(status));
  }

  /**
   * Announces the priority the user's clients call for, only if it is not the one last
   * announced: every presence is broadcast to the user's contacts and other resources.
   */
  private async announceWantedPriority(): Promise<void> {
    if (this.announcedPriority === undefined || !this.link.isOpen) return;
    const wanted = gatewayPriority(this.clientPriorities.values());
    if (wanted === this.announcedPriority) return;
    this.announcedPriority = wanted;
    await this.link.send(buildAvailablePresence(wanted));
  }
}
