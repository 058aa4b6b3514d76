import type { XmppSession } from "../xmpp/session.js";
import { orApiError } from "../errors/map-error.js";
import { readPrivateRecord, writePrivateRecord } from "../private/private-record.js";
import { scanArchive } from "../xmpp/archive-scan.js";
import {
  NS_ROOM_LIST, ROOM_LIST_ELEMENT, buildRoomList, invitedRoom, parseRoomList, type RoomList,
} from "./muc-light.stanzas.js";

/*
 * The caller's MUC Light rooms, as the gateway knows them: a record in the caller's
 * private storage (XEP-0049) holding the rooms the caller created or was invited to,
 * plus the id of the last message of the caller's archive (XEP-0313) already scanned
 * for invitations. Invitations sent while the caller was offline, or through another
 * gateway instance, or by any XEP-0045 client, are archived by the caller's server and
 * found by the next scan. Every room is then checked with the room itself.
 */

/**
 * Runs `task` on the caller's record and stores what it returns when that differs.
 * @throws ApiError when private storage cannot be read or written.
 */
export function updateRoomList<T>(session: XmppSession, task: (list: RoomList) => Promise<{ list: RoomList; result: T }>): Promise<T> {
  // Serialised per session (one pooled session per user per process).
  return session.memo.serial("muc-light:room-list", async () => {
    const before = await readRoomList(session);
    const { list, result } = await task({ rooms: new Set(before.rooms), scanned: before.scanned });
    if (!sameList(before, list)) await writeRoomList(session, list);
    return result;
  });
}

/**
 * The rooms of the caller's record as they stand (no archive scan, no check with the rooms).
 * @throws ApiError when private storage cannot be read.
 */
export async function recordedRooms(session: XmppSession): Promise<string[]> {
  return [...(await readRoomList(session)).rooms];
}

/** Adds a room to the caller's record. */
export function rememberRoom(session: XmppSession, room: string): Promise<void> {
  return updateRoomList(session, async (list) => {
    list.rooms.add(room.toLowerCase());
    return { list, result: undefined };
  });
}

/** Takes a room out of the caller's record. */
export function forgetRoom(session: XmppSession, room: string): Promise<void> {
  return updateRoomList(session, async (list) => {
    list.rooms.delete(room.toLowerCase());
    return { list, result: undefined };
  });
}

async function readRoomList(session: XmppSession): Promise<RoomList> {
  return parseRoomList(await readPrivateRecord(session, ROOM_LIST_ELEMENT, NS_ROOM_LIST));
}

async function writeRoomList(session: XmppSession, list: RoomList): Promise<void> {
  await writePrivateRecord(session, buildRoomList(list));
}

function sameList(a: RoomList, b: RoomList): boolean {
  return a.scanned === b.scanned && a.rooms.size === b.rooms.size && [...a.rooms].every((r) => b.rooms.has(r));
}

/**
 * Reads the caller's archive forward from after `scanned` (from its start when null, or
 * when the server no longer knows that id) and returns the rooms it invites the caller
 * to and the id of the last message read (unchanged when there was none).
 * @throws ApiError when the archive cannot be read.
 */
export async function scanInvitations(session: XmppSession, scanned: string | null): Promise<{ rooms: Set<string>; scanned: string | null }> {
  const rooms = new Set<string>();
  const scan = await orApiError(scanArchive(session, {}, scanned, (records) => {
    for (const record of records) {
      const room = invitedRoom(record.stanza, session.bareJid);
      if (room) rooms.add(room);
    }
  }), {}, { user: session.bareJid });
  return { rooms, scanned: scan.cursor };
}
