import { xml, type Element } from "@xmpp/xml";
import { NS_MUC_USER } from "../muc/muc.stanzas.js";
import { bareOf, hasLocal, resourceOf } from "../xmpp/jid.js";

/*
 * The stanzas only MUC Light's mapping onto XEP-0045 uses: invitations to its rooms,
 * and the gateway's record of the caller's rooms in private storage (XEP-0049), kept up
 * to date from invitations in the caller's archive (XEP-0313).
 * Leaving a room is src/xmpp/register.ts (XEP-0045 §7.10 through XEP-0077).
 */

/**
 * A mediated invitation (XEP-0045 §7.8.2) with a body. The body matters: servers
 * archive messages with a body in the invitee's archive (XEP-0313), which is how the
 * invitee's gateway learns about the room later, even if it was offline.
 */
export function buildInvitation(room: string, invitee: string, inviter: string, id: string): Element {
  return xml(
    "message",
    { to: room, id },
    xml("body", {}, `${inviter} invited you to the room ${room}`),
    xml("x", { xmlns: NS_MUC_USER }, xml("invite", { to: invitee }, xml("reason", {}, `${inviter} added you to the MUC Light room ${room}`))),
  );
}

// ---------------------------------------------------------------------------------------
// The caller's room list: private storage (XEP-0049) and archived invitations (XEP-0313)

/** Namespace of the gateway's private-storage record of the caller's MUC Light rooms. */
export const NS_ROOM_LIST = "urn:xmpp-graphql:muc-light:rooms:0";
export const ROOM_LIST_ELEMENT = "rooms";

/** The record: rooms known to include the caller, and the last archive id scanned for invitations. */
export interface RoomList {
  rooms: Set<string>;
  scanned: string | null;
}

/**
 * The record. The scan position is also kept in a child: Prosody (0.12 mod_private) stores
 * an element without children as nothing, which lost the position of a user in no room.
 */
export function buildRoomList(list: RoomList): Element {
  return xml(
    ROOM_LIST_ELEMENT,
    list.scanned !== null ? { xmlns: NS_ROOM_LIST, scanned: list.scanned } : { xmlns: NS_ROOM_LIST },
    ...(list.scanned !== null ? [xml("scanned", { id: list.scanned })] : []),
    ...[...list.rooms].sort().map((jid) => xml("room", { jid })),
  );
}

/** Reads the record; an absent or empty element is an empty list never scanned. */
export function parseRoomList(element: Element | null): RoomList {
  const rooms = new Set<string>();
  for (const room of element?.getChildren("room") ?? []) {
    const jid = room.attrs.jid;
    if (jid && hasLocal(jid) && resourceOf(jid) === undefined) rooms.add(bareOf(jid));
  }
  return { rooms, scanned: element?.attrs.scanned || element?.getChild("scanned")?.attrs.id || null };
}

/** XEP-0249 §2: a direct invitation. */
export const NS_CONFERENCE = "jabber:x:conference";

/**
 * The room an archived message invites the caller to, or null. Mediated invitations
 * (XEP-0045 §7.8.2) name the room as sender; direct ones (XEP-0249) in `jid`. Messages
 * the caller sent are not invitations to the caller. The result is only a candidate:
 * membership is checked with the room itself before it is believed.
 */
export function invitedRoom(message: Element, ownBareJid: string): string | null {
  if (message.name !== "message" || message.attrs.type === "error") return null;
  const from = message.attrs.from !== undefined ? bareOf(message.attrs.from) : undefined;
  if (!from || from === ownBareJid) return null;
  const direct = message.getChild("x", NS_CONFERENCE)?.attrs.jid;
  if (message.getChild("x", NS_MUC_USER)?.getChild("invite")) return from;
  if (direct && hasLocal(direct)) return bareOf(direct);
  return null;
}
