import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { XmppConnectionError, XmppTimeoutError } from "../xmpp/errors.js";
import { destroyRoom } from "./muc.destroy.js";
import {
  MUC_STATUS, buildJoinPresence, buildLeavePresence, buildNickChangePresence, parseOccupantPresence, parsePresenceError,
  splitOccupantJid, type MucAffiliation, type MucRole, type OccupantPresence,
} from "./muc.stanzas.js";

/** One occupant of a room as the room last presented it (XEP-0045 §7.2.3). */
export interface Occupant {
  nick: string;
  role: MucRole;
  affiliation: MucAffiliation;
  /** Real full JID, when the room shows it to this session. */
  jid: string | null;
}

/** A room the session is in: its own occupant and everyone present. */
export interface RoomOccupancy {
  room: string;
  nick: string;
  self: Occupant;
  occupants: Occupant[];
}

/** A room to enter again: where, under which nick, with which password. */
export interface SavedRoom {
  room: string;
  nick: string;
  password: string | null;
}

interface Waiter {
  resolve: (created: boolean) => void;
  reject: (error: Error) => void;
}

interface Entry {
  room: string;
  nick: string;
  password: string | null;
  joined: boolean;
  self: Occupant | null;
  occupants: Map<string, Occupant>;
  /** A join or nick change waiting for the room's answer. */
  waiter: Waiter | null;
  /** Set while an exit waits for the room's confirmation. */
  leaving: (() => void) | null;
  /** When the room dropped us without a reason and we went back in (see {@link MucOccupancy}). */
  rejoins: number[];
}

/** Statuses and elements with which a room says it removed an occupant on purpose (XEP-0045 §15.6). */
const REMOVAL_STATUSES = [MUC_STATUS.BANNED, MUC_STATUS.KICKED, MUC_STATUS.AFFILIATION_CHANGED, MUC_STATUS.MEMBERS_ONLY, MUC_STATUS.SHUTDOWN];
/** Going back in stops after this many times within {@link REJOIN_WINDOW_MS}: a room that keeps dropping us is not chased. */
const MAX_REJOINS = 5;
const REJOIN_WINDOW_MS = 10_000;

/**
 * The rooms one XMPP session occupies, kept from the presence the rooms send it.
 *
 * Occupancy that the API creates (enterRoom, createInstantRoom) belongs to the pooled
 * session: it lasts while the session does. When the session closes, the server sends
 * unavailable presence to every room it joined (directed presence, RFC 6121 §4.6.3), so
 * rooms see a clean exit.
 *
 * The same rule makes the server take the session out of every room whenever the session
 * broadcasts unavailable presence — which it does when its last live subscription ends
 * and when `last.setLast` records a status. A room then reports our exit with no reason
 * (no kick, ban or destruction status); the tracker goes back in under the same nick and
 * password, without history (at most {@link MAX_REJOINS} times in {@link REJOIN_WINDOW_MS}
 * per room).
 */
export class MucOccupancy {
  /** The tracker of `session`, created (and listening) on first use; the session owns it. */
  static of(session: XmppSession, timeoutMs = 10_000): MucOccupancy {
    return session.memo.own("muc:occupancy", () => new MucOccupancy(session, timeoutMs));
  }

  private readonly rooms = new Map<string, Entry>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly closeListeners = new Set<(rooms: SavedRoom[], fault: boolean) => void>();

  private constructor(private readonly session: XmppSession, private readonly timeoutMs: number) {
    session.onStanza((stanza) => this.handle(stanza));
    session.onClose((reason) => this.closed(reason));
  }

  /** The room, when the session is in it. */
  get(room: string): RoomOccupancy | undefined {
    const entry = this.rooms.get(room);
    return entry?.joined && entry.self ? snapshot(entry, entry.self) : undefined;
  }

  /**
   * Calls `listener` when the session closes with the rooms it was in, and whether the
   * close was a fault (connection lost, server restarted) rather than a clean close.
   */
  onClose(listener: (rooms: SavedRoom[], fault: boolean) => void): void {
    this.closeListeners.add(listener);
  }

  /** Enters `rooms` again under their nick and password, without waiting (e.g. after a fault). */
  reenterAll(rooms: readonly SavedRoom[]): void {
    for (const { room, nick, password } of rooms) void this.reenter(room, nick, password, undefined, []).catch(() => undefined);
  }

  /** Bare JIDs of the rooms the session is in. */
  joinedRooms(): string[] {
    return [...this.rooms.values()].filter((e) => e.joined).map((e) => e.room);
  }

  /**
   * Enters `room` as `nick` and waits for the room's answer (XEP-0045 §7.2). Already in
   * the room under another nick, it changes the nick (§7.6); under the same nick, it
   * returns at once.
   * @returns whether the room was created by this entry (status 201, the room is then
   *          locked until configured), whether the session was already in, and the room.
   * @throws StanzaError when the room refuses (e.g. `conflict`, `not-authorized`),
   *         XmppTimeoutError when it does not answer in time, XmppConnectionError.
   */
  enter(room: string, nick: string, password?: string | null): Promise<{ created: boolean; alreadyIn: boolean; occupancy: RoomOccupancy }> {
    return this.serialised(room, async () => {
      const existing = this.rooms.get(room);
      if (existing?.joined && existing.self) {
        if (existing.nick !== nick) await this.untilAnswered(existing, () => this.session.send(buildNickChangePresence(room, nick)));
        return { created: false, alreadyIn: true, occupancy: snapshot(existing, existing.self) };
      }
      const entry = await this.join(room, nick, password ?? null, undefined, []);
      return { created: entry.created, alreadyIn: false, occupancy: snapshot(entry.entry, entry.entry.self!) };
    });
  }

  /**
   * Leaves `room` (XEP-0045 §7.14) and waits for the room's confirmation.
   * @returns false when the session was not in the room (nothing is sent then).
   */
  leave(room: string, status?: string | null): Promise<boolean> {
    return this.serialised(room, () => this.leaveNow(room, status));
  }

  /** {@link leave}'s work, for callers already serialised on `room`. */
  private async leaveNow(room: string, status?: string | null): Promise<boolean> {
    const entry = this.rooms.get(room);
    if (!entry) return false;
    const confirmed = new Promise<void>((resolve) => (entry.leaving = resolve));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.timeoutMs)));
    try {
      await this.session.send(buildLeavePresence(room, entry.nick, status));
      await Promise.race([confirmed, deadline]);
    } finally {
      clearTimeout(timer);
      if (this.rooms.get(room) === entry) this.rooms.delete(room);
    }
    return true;
  }

  /**
   * Goes back into a room the session was in (after a fault, or after the server took it
   * out on an unavailable broadcast). When entering creates the room (status 201), the
   * room it was in is gone — destroyed meanwhile, or not kept across a server restart —
   * and the new one, locked and owned by us, is nobody's wish: it is destroyed at once
   * (left, when the server refuses) instead of being kept.
   */
  private reenter(room: string, nick: string, password: string | null, maxStanzas: number | undefined, rejoins: number[]): Promise<void> {
    return this.serialised(room, async () => {
      if (this.rooms.has(room) || !this.session.isOpen) return;
      const { created } = await this.join(room, nick, password, maxStanzas, rejoins);
      if (!created) return;
      try {
        await destroyRoom(this.session, room, "The room was gone; the gateway does not re-create it");
      } catch {
        await this.leaveNow(room);
      }
    });
  }

  private async join(
    room: string, nick: string, password: string | null, maxStanzas: number | undefined, rejoins: number[],
  ): Promise<{ created: boolean; entry: Entry }> {
    const entry: Entry = { room, nick, password, joined: false, self: null, occupants: new Map(), waiter: null, leaving: null, rejoins };
    this.rooms.set(room, entry);
    try {
      const created = await this.untilAnswered(entry, () => this.session.send(buildJoinPresence(room, nick, { password, maxStanzas })));
      return { created, entry };
    } catch (error) {
      if (this.rooms.get(room) === entry && !entry.joined) this.rooms.delete(room);
      // A late admission would leave us in the room untracked: take it back.
      if (error instanceof XmppTimeoutError) void this.session.send(buildLeavePresence(room, nick)).catch(() => undefined);
      throw error;
    }
  }

  /** Sends, then waits for our own presence from the room or an error presence. */
  private untilAnswered(entry: Entry, send: () => Promise<void>): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => waiter.reject(new XmppTimeoutError(this.timeoutMs)), this.timeoutMs);
      const waiter: Waiter = {
        resolve: (created) => {
          clearTimeout(timer);
          entry.waiter = null;
          resolve(created);
        },
        reject: (error) => {
          clearTimeout(timer);
          entry.waiter = null;
          reject(error);
        },
      };
      entry.waiter = waiter;
      send().catch((error: unknown) => waiter.reject(error instanceof Error ? error : new XmppConnectionError(String(error))));
    });
  }

  private handle(stanza: Element): void {
    if (stanza.name !== "presence" || !stanza.attrs.from) return;
    const { room } = splitOccupantJid(stanza.attrs.from);
    const entry = this.rooms.get(room);
    if (!entry) return;
    const error = parsePresenceError(stanza);
    if (error) {
      entry.waiter?.reject(error);
      return;
    }
    const presence = parseOccupantPresence(stanza);
    if (!presence) return;
    // A destroyed room puts everyone out; ejabberd's notice to us carries neither status 110 nor our JID.
    const isSelf = presence.isSelf || (presence.jid !== null && presence.jid.toLowerCase() === this.session.jid.toLowerCase()) ||
      (!presence.available && presence.destroyed !== null);
    if (presence.available) this.onAvailable(entry, presence, isSelf);
    else this.onUnavailable(entry, presence, isSelf);
  }

  private onAvailable(entry: Entry, presence: OccupantPresence, isSelf: boolean): void {
    const occupant: Occupant = {
      nick: presence.nick,
      role: presence.role ?? "none",
      affiliation: presence.affiliation ?? "none",
      jid: presence.jid,
    };
    entry.occupants.set(presence.nick, occupant);
    if (!isSelf) return;
    entry.self = occupant;
    entry.nick = presence.nick;
    entry.joined = true;
    entry.waiter?.resolve(presence.statusCodes.has(MUC_STATUS.ROOM_CREATED));
  }

  private onUnavailable(entry: Entry, presence: OccupantPresence, isSelf: boolean): void {
    entry.occupants.delete(presence.nick);
    if (presence.newNick !== null) {
      // A nick change (status 303): the available presence under the new nick follows.
      if (isSelf) entry.nick = presence.newNick;
      return;
    }
    if (!isSelf) return;
    entry.joined = false;
    if (this.rooms.get(entry.room) === entry) this.rooms.delete(entry.room);
    if (entry.leaving) {
      entry.leaving();
      return;
    }
    if (entry.waiter) {
      entry.waiter.reject(new XmppConnectionError(`the room ${entry.room} removed this session while it was entering`));
      return;
    }
    const removedOnPurpose = presence.destroyed !== null || REMOVAL_STATUSES.some((code) => presence.statusCodes.has(code));
    if (!removedOnPurpose) this.rejoin(entry);
  }

  private rejoin(entry: Entry): void {
    const now = Date.now();
    const recent = entry.rejoins.filter((t) => now - t < REJOIN_WINDOW_MS);
    if (recent.length >= MAX_REJOINS || !this.session.isOpen) return;
    void this.reenter(entry.room, entry.nick, entry.password, 0, [...recent, now]).catch(() => undefined);
  }

  private closed(reason: Error | undefined): void {
    const joined = [...this.rooms.values()].filter((e) => e.joined).map((e) => ({ room: e.room, nick: e.nick, password: e.password }));
    for (const listener of this.closeListeners) listener(joined, reason !== undefined);
    this.closeListeners.clear();
    for (const entry of this.rooms.values()) {
      entry.waiter?.reject(new XmppConnectionError("the XMPP session closed"));
      entry.leaving?.();
    }
    this.rooms.clear();
  }

  private async serialised<T>(room: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(room) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    this.queues.set(room, run);
    try {
      return await run;
    } finally {
      if (this.queues.get(room) === run) this.queues.delete(room);
    }
  }
}

function snapshot(entry: Entry, self: Occupant): RoomOccupancy {
  return {
    room: entry.room,
    nick: entry.nick,
    self: { ...self },
    occupants: [...entry.occupants.values()].map((o) => ({ ...o })).sort((a, b) => (a.nick < b.nick ? -1 : a.nick > b.nick ? 1 : 0)),
  };
}
