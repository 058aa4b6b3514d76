import type { XmppSession } from "../xmpp/session.js";
import { toApiError } from "../errors/map-error.js";
import { buildChatStateMessage, type ChatStateName } from "../xmpp/chat-states.js";
import { discoInfo } from "../xmpp/disco.js";
import { domainOfJid, hasLocal, resourceOf } from "../xmpp/jid.js";
import { newStanzaId } from "../xmpp/messages.js";

/**
 * Whether a bare JID is a room: it lives on a service of the server that says it is a
 * group chat service (XEP-0030 identity `conference`). The user's own domain never is.
 */
async function isRoom(session: XmppSession, jid: string): Promise<boolean> {
  if (resourceOf(jid) !== undefined || !hasLocal(jid)) return false;
  const domain = domainOfJid(jid);
  if (domain === session.domain) return false;
  // What a service is does not change while the session lives: ask once per domain.
  const info = await session.memo.remember(`disco-info ${domain}`, () => discoInfo(session, domain)).catch(() => undefined);
  return info?.identities.some((i) => i.category === "conference") ?? false;
}

/**
 * Sends a chat state (XEP-0085) to a user (`chat`) or a room (`groupchat`) the caller is
 * in, with a no-store hint: never archived, never replayed. Delivery is not confirmed — a
 * room the caller is not in bounces it later, which XEP-0085 lets clients ignore.
 * @returns true once sent.
 */
export async function sendChatState(session: XmppSession, to: string, state: ChatStateName): Promise<boolean> {
  try {
    const type = (await isRoom(session, to)) ? "groupchat" : "chat";
    await session.send(buildChatStateMessage(to, state, type, newStanzaId()));
    return true;
  } catch (error) {
    throw toApiError(error, {}, { user: session.bareJid });
  }
}
