import type { XmppSession } from "../xmpp/session.js";
import { MucOccupancy, type SavedRoom } from "./muc.occupancy.js";

/** Options of {@link RoomReentry}. */
export interface RoomReentryOptions {
  /** At most this many users' rooms are kept; the oldest go first. */
  maxUsers: number;
  /** Rooms not entered again within this time are forgotten. */
  keepMs: number;
  /** How long to wait for a room to answer when entering it again. */
  timeoutMs: number;
}

/**
 * Occupancy that survives a connection fault: when a pooled session ends by a fault
 * (connection lost, server restarted), the rooms it was in are kept and entered again on
 * the user's next session. After a clean close (idle, shutdown, password change) there is
 * nothing to restore. The app owns one; it is bounded in users and in time.
 */
export class RoomReentry {
  private readonly saved = new Map<string, { rooms: SavedRoom[]; until: number }>();

  constructor(private readonly options: RoomReentryOptions, private readonly now: () => number = Date.now) {}

  /** Takes a newly opened session in: enters again what its user's last session lost, and watches this one. */
  attach(session: XmppSession): void {
    const user = session.bareJid;
    const entry = this.saved.get(user);
    this.saved.delete(user);
    const tracker = MucOccupancy.of(session, this.options.timeoutMs);
    tracker.onClose((rooms, fault) => {
      this.saved.delete(user);
      if (fault && rooms.length > 0) this.save(user, rooms);
    });
    if (entry && entry.until > this.now()) tracker.reenterAll(entry.rooms);
  }

  /** How many users' rooms are waiting to be entered again. */
  get size(): number {
    return this.saved.size;
  }

  private save(user: string, rooms: SavedRoom[]): void {
    const now = this.now();
    this.saved.set(user, { rooms, until: now + this.options.keepMs });
    // Entries are in the order they were saved, so expired and excess ones are at the front.
    for (const [key, value] of this.saved) {
      if (this.saved.size <= this.options.maxUsers && value.until > now) break;
      this.saved.delete(key);
    }
  }
}
