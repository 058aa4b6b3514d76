import type { XmppSession } from "../xmpp/session.js";
import { toApiError } from "../errors/map-error.js";
import { buildChatStateMessage, type ChatStateName } from "../xmpp/chat-states.js";
import { isRoomJid } from "../xmpp/disco.js";
import { newStanzaId } from "../xmpp/messages.js";

/**
 * Sends a chat state (XEP-0085) to a user (`chat`) or a room (`groupchat`) the caller is
 * in, with a no-store hint: never archived, never replayed. Delivery is not confirmed — a
 * room the caller is not in bounces it later, which XEP-0085 lets clients ignore.
 * @returns true once sent.
 */
export async function sendChatState(session: XmppSession, to: string, state: ChatStateName): Promise<boolean> {
  try {
    const type = (await isRoomJid(session, to)) ? "groupchat" : "chat";
    await session.send(buildChatStateMessage(to, state, type, newStanzaId()));
    return true;
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
}
