import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { orApiError } from "../errors/map-error.js";
import { findArchivedMessage } from "../xmpp/mam.js";
import { newStanzaId } from "../xmpp/messages.js";
import { buildServerPing } from "../xmpp/ping.js";
import type { Element } from "@xmpp/xml";
import { buildCorrection, buildReactions, buildRetraction } from "../xmpp/message-edits.js";
import type { MessageModel } from "../events/event.models.js";
import { findConversationMessage } from "../conversations/history.api.js";
import type { HistoryScope } from "../conversations/fold-history.js";
import { HISTORY_ERRORS } from "../conversations/history.errors.js";

/*
 * Changes to a message already sent, named by its archive id (`Message.id`): corrections
 * (XEP-0308), retractions (XEP-0424) and reactions (XEP-0444). The message is looked up
 * in the conversation's archive for the id the XEP wants (see pointerIdFor) and, for a
 * correction or a retraction, to check that the user sent it: the XEPs let only the
 * sender change a message, and a receiving client ignores anything else.
 */

// Reactions are single emojis (XEP-0444 §3.1): a bound on their number and length keeps a
// request from filling the archive.
const MAX_REACTIONS = 20;
const MAX_EMOJI_LENGTH = 32;

const typeOf = (scope: HistoryScope) => (scope.room !== null ? "groupchat" : "chat");

/**
 * Sends a change and waits until the server handled it (a ping as a barrier), so that
 * the user's next read of the history already has it archived.
 */
async function sendHandled(session: XmppSession, change: Element): Promise<void> {
  await session.send(change);
  await session.iq(buildServerPing(session.domain));
}

/**
 * Corrects one of the user's messages (XEP-0308) with a new body.
 * @returns the message as corrected.
 */
export async function editMessage(session: XmppSession, withJid: string, id: string, body: string): Promise<MessageModel> {
  if (body === "") throw new ApiError("invalid_input", "The new body is empty: retract the message instead", { field: "body" });
  return orApiError((async () => {
    const target = await findConversationMessage(session, withJid, id, true);
    await sendHandled(session, buildCorrection(withJid, typeOf(target.scope), target.pointer, body, newStanzaId()));
    return { ...target.model, body, edited: true };
  })(), HISTORY_ERRORS, { user: session.bareJid, with: withJid });
}

/** Retracts one of the user's messages (XEP-0424, with the fallback body). @returns true once sent. */
export async function retractMessage(session: XmppSession, withJid: string, id: string): Promise<boolean> {
  return orApiError((async () => {
    const target = await findConversationMessage(session, withJid, id, true);
    await sendHandled(session, buildRetraction(withJid, typeOf(target.scope), target.pointer, newStanzaId()));
    return true;
  })(), HISTORY_ERRORS, { user: session.bareJid, with: withJid });
}

/** Sets the user's reactions to any message of the conversation (XEP-0444); [] removes them. @returns true once sent. */
export async function react(session: XmppSession, withJid: string, id: string, emojis: readonly string[]): Promise<boolean> {
  const set = [...new Set(emojis.map((e) => e.trim()))];
  if (set.length > MAX_REACTIONS || set.some((e) => e === "" || e.length > MAX_EMOJI_LENGTH)) {
    throw new ApiError("invalid_input", `At most ${MAX_REACTIONS} reactions, each one emoji`, { field: "emojis" });
  }
  return orApiError((async () => {
    const target = await findConversationMessage(session, withJid, id, false);
    await sendHandled(session, buildReactions(withJid, typeOf(target.scope), target.pointer, set, newStanzaId()));
    return true;
  })(), HISTORY_ERRORS, { user: session.bareJid, with: withJid });
}
