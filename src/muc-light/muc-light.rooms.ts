import type { XmppSession } from "../xmpp/session.js";
import { StanzaError } from "../xmpp/errors.js";
import { orApiError, toApiError } from "../errors/map-error.js";
import { buildPrivateGet, buildPrivateSet, parsePrivateResult } from "../private/private.stanzas.js";
import { queryArchive } from "../xmpp/mam.js";
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

/** Prosody's (and MongooseIM's) largest archive page. */
const ARCHIVE_PAGE = 50;

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
  try {
    return parseRoomList(parsePrivateResult(await session.iq(buildPrivateGet(ROOM_LIST_ELEMENT, NS_ROOM_LIST)), NS_ROOM_LIST));
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
}

async function writeRoomList(session: XmppSession, list: RoomList): Promise<void> {
  await orApiError(session.iq(buildPrivateSet(buildRoomList(list))), {}, { user: session.bareJid });
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
  let after = scanned;
  for (;;) {
    let page: { last: string | null; complete: boolean; count: number };
    try {
      page = await archivePage(session, after, rooms);
    } catch (error) {
      // The id expired from the archive (or the archive was cleared): read it all again.
      if (error instanceof StanzaError && error.condition === "item-not-found" && after !== null) {
        after = null;
        continue;
      }
      throw toApiError(error, {}, { user: session.bareJid });
    }
    if (page.last !== null) after = page.last;
    if (page.complete || page.count === 0 || page.last === null) return { rooms, scanned: after };
  }
}

/** One page of the caller's archive, oldest first, from after `after` (from its start when null). */
async function archivePage(session: XmppSession, after: string | null, rooms: Set<string>): Promise<{ last: string | null; complete: boolean; count: number }> {
  const page = await queryArchive(session, { max: ARCHIVE_PAGE, afterId: after, from: "oldest" });
  for (const record of page.records) {
    const room = invitedRoom(record.stanza, session.bareJid);
    if (room) rooms.add(room);
  }
  return { last: page.last ?? null, complete: page.complete, count: page.records.length };
}
