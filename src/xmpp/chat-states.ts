import { xml, type Element } from "@xmpp/xml";
import { noStoreHint } from "./hints.js";

/*
 * XEP-0085 Chat State Notifications: typing and attention in a conversation.
 * https://xmpp.org/extensions/xep-0085.html
 */

export const NS_CHATSTATES = "http://jabber.org/protocol/chatstates";

/** The five chat states, as element names (§2.1). */
export const CHAT_STATES = ["active", "composing", "paused", "inactive", "gone"] as const;
export type ChatStateName = (typeof CHAT_STATES)[number];

/**
 * A standalone chat state notification (§5.4): no body, `chat` to a user or `groupchat`
 * to a room, with a no-store hint so that it is never archived nor stored offline.
 */
export function buildChatStateMessage(to: string, state: ChatStateName, type: "chat" | "groupchat", id: string): Element {
  return xml("message", { to, type, id }, xml(state, { xmlns: NS_CHATSTATES }), noStoreHint());
}

/** The chat state a message carries (alone or beside a body), or null. */
export function parseChatState(message: Element): ChatStateName | null {
  for (const child of message.getChildElements()) {
    if (child.attrs.xmlns === NS_CHATSTATES && (CHAT_STATES as readonly string[]).includes(child.name)) return child.name as ChatStateName;
  }
  return null;
}
