import type { Element } from "@xmpp/xml";
import type { ContactPresence, PresenceShow } from "../generated/graphql.js";
import type { XmppSession } from "../xmpp/session.js";
import { parseResourcePresence, rankResources, type ResourceState } from "../xmpp/contact-presence.js";

const NS_MUC_USER = "http://jabber.org/protocol/muc#user";

/**
 * What an available session has been told of its contacts' and its own resources'
 * presence (RFC 6121 §4.2.2: the server sends every contact's current presence when the
 * session becomes available, then each change). It belongs to the session (see
 * {@link presenceBookOf}), so that every stream on it and `presence.contacts` share one
 * snapshot; it forgets everything when the session becomes available again, since the
 * server then sends it all anew. Bounded by the roster: only subscribed contacts send
 * presence.
 */
export class PresenceBook {
  private readonly contacts = new Map<string, Map<string, ResourceState>>();
  private epoch: number | undefined;

  /** @param currentEpoch the session's availability epoch (PresenceHolder.availabilityEpoch). */
  constructor(private readonly currentEpoch: () => number | undefined = () => 0) {}

  /** Records a presence stanza about a contact or the user's own resource; room presence is not a contact's. */
  take(stanza: Element): void {
    if (stanza.name !== "presence" || stanza.getChild("x", NS_MUC_USER)) return;
    const parsed = parseResourcePresence(stanza);
    if (parsed) this.apply(parsed.bareJid, parsed.state);
  }

  /** Records one resource's presence; returns the contact's presence afterwards. */
  apply(bareJid: string, state: ResourceState): ContactPresence {
    this.refresh();
    let resources = this.contacts.get(bareJid);
    if (state.show === "offline") {
      resources?.delete(state.resource);
      if (resources?.size === 0) this.contacts.delete(bareJid);
    } else {
      if (!resources) this.contacts.set(bareJid, (resources = new Map()));
      resources.set(state.resource, state);
    }
    return this.describe(bareJid, state);
  }

  /**
   * The contact's presence right after `state` was recorded: an unavailable presence's
   * status is what a client shows for a contact that went offline.
   */
  describe(bareJid: string, state: ResourceState): ContactPresence {
    const summary = this.summary(bareJid);
    return state.show === "offline" && summary.show === "OFFLINE" ? { ...summary, status: state.status } : summary;
  }

  /** Whether anything is known of this contact's resources. */
  knows(bareJid: string): boolean {
    this.refresh();
    return this.contacts.has(bareJid);
  }

  /** One contact's presence: OFFLINE with no resources when nothing is known. */
  summary(bareJid: string): ContactPresence {
    return contactPresence(bareJid, this.resources(bareJid));
  }

  /** What is known of one contact's online resources. */
  resources(bareJid: string): ResourceState[] {
    this.refresh();
    return [...(this.contacts.get(bareJid)?.values() ?? [])];
  }

  /** Every contact with at least one resource online, except `ownBareJid`. */
  online(ownBareJid?: string): ContactPresence[] {
    this.refresh();
    return [...this.contacts.keys()].filter((jid) => jid !== ownBareJid).sort().map((jid) => this.summary(jid));
  }

  /** Forgets everything: the server tells an available session all again. */
  clear(): void {
    this.contacts.clear();
  }

  private refresh(): void {
    const now = this.currentEpoch();
    if (now !== this.epoch) {
      this.epoch = now;
      this.clear();
    }
  }
}

/** A contact's presence over its resources, as a client shows it: OFFLINE with none online. */
export function contactPresence(bareJid: string, resources: Iterable<ResourceState>): ContactPresence {
  const ranked = rankResources(resources);
  const top = ranked[0];
  return {
    jid: bareJid,
    show: top ? (top.show.toUpperCase() as PresenceShow) : "OFFLINE",
    status: top?.status ?? null,
    idleSince: top?.idleSince ?? null,
    lastSeen: null,
    resources: ranked.map((r) => ({ ...r, show: r.show.toUpperCase() as PresenceShow })),
  };
}

/**
 * The session's presence book, listening on it from the first call on. Whatever makes
 * the session available (a stream, `setPresence`, `presence.contacts`) asks for it first,
 * so that it hears the server's answer to initial presence.
 */
export function presenceBookOf(session: XmppSession): PresenceBook {
  return session.memo.own("presence-book", () => {
    const book = new PresenceBook(() => session.ownPresence.availabilityEpoch);
    session.onStanza((stanza) => book.take(stanza));
    return book;
  });
}
