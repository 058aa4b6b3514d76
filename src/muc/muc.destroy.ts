import type { XmppSession } from "../xmpp/session.js";
import { StanzaError, XmppTimeoutError } from "../xmpp/errors.js";
import { buildDestroyRoom } from "./muc.stanzas.js";
import { buildDiscoInfoGet } from "../xmpp/disco.js";

/** How long {@link untilGone} waits for one answer, and for the room to be gone in all. */
const GONE_PROBE_MS = 500;
const GONE_WAIT_MS = 3_000;

/**
 * Destroys a room (XEP-0045 §10.9) and returns once the room is gone for later requests
 * (see {@link untilGone}).
 * @throws StanzaError when the room refuses (e.g. `forbidden` for a non-owner),
 *         XmppTimeoutError, XmppConnectionError.
 */
export async function destroyRoom(session: XmppSession, room: string, reason?: string | null): Promise<void> {
  await session.iq(buildDestroyRoom(room, reason));
  await untilGone(session, room);
}

/**
 * Waits, after a destruction the room confirmed, until the room is gone for every later
 * request. ejabberd (23.01) answers the destroy before the room's process ends, and a
 * stanza routed to the room in between is dropped without an error (measured: 3 of 30
 * disco#info requests sent right after the answer): a request right after deleteRoom
 * would wait for its full timeout. The room's disco#info is asked, with a short timeout,
 * until it answers with an error (at once on Prosody); a room that still answers after
 * {@link GONE_WAIT_MS} (someone created it again) is left alone.
 * @throws XmppConnectionError when the session closes meanwhile.
 */
export async function untilGone(session: XmppSession, room: string): Promise<void> {
  const deadline = Date.now() + GONE_WAIT_MS;
  while (Date.now() < deadline) {
    try {
      await session.iq(buildDiscoInfoGet(room), GONE_PROBE_MS);
    } catch (error) {
      if (error instanceof StanzaError) return;
      if (error instanceof XmppTimeoutError) continue;
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
