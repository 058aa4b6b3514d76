import type { Element } from "@xmpp/xml";
import { parseResourcePresence, parseSubscriptionPresence } from "../xmpp/contact-presence.js";
import type { PresenceBook } from "../presence/presence-book.js";
import type { ChatEvent } from "./event.models.js";

/*
 * Turns a presence stanza into the events a chat client shows: subscription requests
 * and answers (RFC 6121 §3), a contact's presence over all its resources (§4), and what
 * happens in a room the user is in (XEP-0045 §7.2: occupants come and go, the room is
 * destroyed, affiliations change).
 */

const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
// XEP-0153: the avatar hash a room (ejabberd) announces in presence from its bare JID.
const NS_VCARD_UPDATE = "vcard-temp:x:update";
// XEP-0045 §10.2: 110 marks presence about the user's own occupant.
const STATUS_SELF = "110";

/**
 * The occupants of the rooms the user is in, by room and nick, with their affiliation:
 * what tells a join from a status change, and an affiliation change from a presence
 * update. Owned by a session, emptied with it.
 */
export class RoomOccupants {
  private readonly rooms = new Map<string, Map<string, string>>();
  /** Rooms the user's own occupant is in (its presence with status 110 came). */
  private readonly entered = new Set<string>();
  /** Entered rooms whose current subject, sent on entry, has not come yet. */
  private readonly subjectDue = new Set<string>();
  /** The avatar hash each room last announced. */
  private readonly avatars = new Map<string, string>();

  /**
   * The user's own occupant is in `room`. A room sends its current subject right after
   * the user enters (XEP-0045 §7.2.15): that message tells no change, unlike later ones.
   */
  enteredSelf(room: string): void {
    if (this.entered.has(room)) return; // a status or affiliation change of the user's own occupant
    this.entered.add(room);
    this.subjectDue.add(room);
  }

  /** Whether a subject message from `room` is the one it sends on entry; true once per entry. */
  takeEntrySubject(room: string): boolean {
    return this.subjectDue.delete(room);
  }

  /**
   * Records the avatar hash a room announced (XEP-0153); whether it is a change: the
   * user's own occupant is in the room and the hash differs from the last one. The hash
   * the room sends as the user enters is no change.
   */
  avatarChanged(room: string, hash: string): boolean {
    const before = this.avatars.get(room) ?? "";
    this.avatars.set(room, hash);
    return this.entered.has(room) && before !== hash;
  }

  /** Records an occupant; returns what changed: "joined", "affiliation", or null. */
  arrive(room: string, nick: string, affiliation: string): "joined" | "affiliation" | null {
    let occupants = this.rooms.get(room);
    if (!occupants) this.rooms.set(room, (occupants = new Map()));
    const before = occupants.get(nick);
    occupants.set(nick, affiliation);
    if (before === undefined) return "joined";
    return before === affiliation ? null : "affiliation";
  }

  /** Forgets an occupant; whether it was known. */
  leave(room: string, nick: string): boolean {
    const occupants = this.rooms.get(room);
    const known = occupants?.delete(nick) ?? false;
    if (occupants?.size === 0) this.rooms.delete(room);
    return known;
  }

  /** Forgets a room (the user left it, or it was destroyed). */
  forget(room: string): void {
    this.rooms.delete(room);
    this.entered.delete(room);
    this.subjectDue.delete(room);
    this.avatars.delete(room);
  }

  clear(): void {
    this.rooms.clear();
    this.entered.clear();
    this.subjectDue.clear();
    this.avatars.clear();
  }
}

/** What presence classification reads and updates. */
export interface PresenceState {
  /** The user's bare JID, lower-case. */
  ownBareJid: string;
  book: PresenceBook;
  occupants: RoomOccupants;
}

function roomEvent(at: Date, room: string, kind: "JOINED" | "LEFT" | "AFFILIATION" | "DESTROYED" | "ICON", actor: string | null, nick: string | null): ChatEvent {
  return { __typename: "RoomEvent", type: "ROOM", cursor: null, at, replayed: false, room, kind, actor, nick, subject: null, icon: null };
}

/** The events one presence stanza means, updating `state`; [] for errors, probes and the user's own resources. */
export function classifyPresence(stanza: Element, state: PresenceState, at: Date): ChatEvent[] {
  if (stanza.name !== "presence" || stanza.attrs.type === "error" || stanza.attrs.type === "probe") return [];
  const subscription = parseSubscriptionPresence(stanza);
  if (subscription) {
    return [{ __typename: "SubscriptionRequestEvent", type: "SUBSCRIPTION_REQUEST", cursor: null, at, replayed: false, from: subscription.from, kind: subscription.kind.toUpperCase() as "SUBSCRIBE", message: subscription.message }];
  }
  const parsed = parseResourcePresence(stanza);
  if (!parsed || parsed.bareJid === state.ownBareJid) return [];

  // Available presence from a bare JID is never a contact's (a server sends it on behalf of
  // resources): it is a room's own (ejabberd: entity capabilities after each configuration
  // change, and its avatar hash, XEP-0153, as the user enters and when an owner changes it).
  // Only an avatar change is an event; the icon itself is read from the room.
  if (parsed.state.resource === "" && parsed.state.show !== "offline" && !stanza.getChild("x", NS_MUC_USER)) {
    const photo = stanza.getChild("x", NS_VCARD_UPDATE)?.getChild("photo");
    if (!photo) return [];
    return state.occupants.avatarChanged(parsed.bareJid, photo.text().trim()) ? [roomEvent(at, parsed.bareJid, "ICON", null, null)] : [];
  }
  const mucUser = stanza.getChild("x", NS_MUC_USER);
  if (mucUser) {
    const room = parsed.bareJid;
    const nick = parsed.state.resource;
    const item = mucUser.getChild("item");
    const actor = item?.attrs.jid ?? null;
    if (mucUser.getChild("destroy") || item?.getChild("destroy")) {
      state.occupants.forget(room);
      return [roomEvent(at, room, "DESTROYED", null, null)];
    }
    if (mucUser.getChildren("status").some((s) => s.attrs.code === STATUS_SELF)) {
      if (parsed.state.show === "offline") state.occupants.forget(room);
      else state.occupants.enteredSelf(room);
      return [];
    }
    if (parsed.state.show === "offline") return state.occupants.leave(room, nick) ? [roomEvent(at, room, "LEFT", actor, nick)] : [];
    const change = state.occupants.arrive(room, nick, item?.attrs.affiliation ?? "none");
    if (change === "joined") return [roomEvent(at, room, "JOINED", actor, nick)];
    if (change === "affiliation") return [roomEvent(at, room, "AFFILIATION", actor ?? `${room}/${nick}`, nick)];
    return [];
  }
  return [{ __typename: "PresenceEvent", type: "PRESENCE", cursor: null, at, replayed: false, presence: state.book.apply(parsed.bareJid, parsed.state) }];
}
