import type { ContactPresence, PresenceShow } from "../generated/graphql.js";
import { rankResources, type ResourceState } from "../xmpp/contact-presence.js";

/**
 * What an available session has been told of its contacts' presence (RFC 6121 §4.2.2:
 * the server sends every contact's current presence when the session becomes available,
 * then each change), kept so that a stream opened later on the same session gets the same
 * snapshot without asking again. Owned by a session and emptied when it goes unavailable
 * or closes; bounded by the roster, since only subscribed contacts send presence.
 */
export class PresenceBook {
  private readonly contacts = new Map<string, Map<string, ResourceState>>();

  /** Records one resource's presence; returns the contact's presence afterwards. */
  apply(bareJid: string, state: ResourceState): ContactPresence {
    let resources = this.contacts.get(bareJid);
    if (state.show === "offline") {
      resources?.delete(state.resource);
      if (resources?.size === 0) this.contacts.delete(bareJid);
      // The unavailable presence's status is what a client shows for an offline contact.
      const summary = this.summary(bareJid);
      return summary.show === "OFFLINE" ? { ...summary, status: state.status } : summary;
    }
    if (!resources) this.contacts.set(bareJid, (resources = new Map()));
    resources.set(state.resource, state);
    return this.summary(bareJid);
  }

  /** One contact's presence: OFFLINE with no resources when nothing is known. */
  summary(bareJid: string): ContactPresence {
    const ranked = rankResources(this.contacts.get(bareJid)?.values() ?? []);
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

  /** Every contact with at least one resource online. */
  online(): ContactPresence[] {
    return [...this.contacts.keys()].sort().map((jid) => this.summary(jid));
  }

  /** Forgets everything: the session went unavailable, and the server stops telling it. */
  clear(): void {
    this.contacts.clear();
  }
}
