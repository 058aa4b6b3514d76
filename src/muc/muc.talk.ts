import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { ApiError } from "../errors/api-error.js";
import { StanzaError } from "../xmpp/errors.js";
import { toApiError, type ConditionMapping } from "../errors/map-error.js";
import { MUC_ERRORS, MUC_MESSAGES, MUC_CONTEXT } from "./muc.errors.js";
import { newStanzaId } from "../xmpp/messages.js";
import {
  buildGroupchatMessage, buildMediatedInvite, buildPrivateMessage, parseMessageError, splitOccupantJid,
} from "./muc.stanzas.js";
import { discoInfo } from "../xmpp/disco.js";
import { DEFAULT_REASONS } from "./muc.model.js";
import { roomExists } from "./muc.discovery.js";

/*
 * Talking in a room (XEP-0045 §7.4, §7.5, §7.8.2), and telling a message the room
 * bounced from one it took: rooms answer a refused message with an error message.
 */

/**
 * Posts a groupchat message (XEP-0045 §7.4) from the pooled session. The room's refusal
 * is reported: the message is followed by a disco#info query to the room, which the
 * room answers after any bounce of the message.
 * @throws ApiError `not_in_room` when the session is not an occupant, `not_allowed`
 *         without voice, `room_not_found`.
 */
export async function sendMessageToRoom(session: XmppSession, room: string, body: string): Promise<string> {
  await sendThroughRoom(session, room, buildGroupchatMessage(room, body, newStanzaId()), MUC_ERRORS.groupchat, { room });
  return "Message sent successfully";
}

/**
 * Sends a private message to an occupant by nickname (XEP-0045 §7.5), checked like
 * {@link sendMessageToRoom}.
 * @throws ApiError `occupant_not_found` for an unknown nickname, `not_in_room`, `room_not_found`.
 */
export async function sendPrivateMessage(session: XmppSession, room: string, nick: string, body: string): Promise<string> {
  await sendThroughRoom(session, room, buildPrivateMessage(room, nick, body, newStanzaId()), MUC_ERRORS.privateMessage, { room, nick });
  return "Message sent successfully";
}

/**
 * Invites a user through the room (XEP-0045 §7.8.2 mediated invitation); the room
 * forwards it with the caller as inviter. ejabberd forwards invitations from occupants
 * only (Prosody from anyone allowed to invite).
 * @throws ApiError `room_not_found`, `not_allowed` when the room refuses the caller's
 *         invitation, `not_in_room` when it takes invitations from occupants only.
 */
export async function inviteUser(session: XmppSession, room: string, recipient: string, reason: string | null | undefined): Promise<string> {
  await sendThroughRoom(session, room, buildMediatedInvite(room, recipient, reason ?? DEFAULT_REASONS.invite, newStanzaId()), MUC_ERRORS.invite, { room });
  return "Invitation sent successfully";
}

/**
 * Sends a message to a room and learns whether the room refused it: a disco#info query
 * follows the message, and a room processes a sender's stanzas in order, so a bounce
 * (XEP-0045 §7.4, §7.5, §7.8.2 errors) arrives before the query's answer.
 * @throws ApiError `room_not_found` when the room does not exist; a bounce through `table`.
 */
export async function sendThroughRoom(session: XmppSession, room: string, message: Element, table: ConditionMapping, context: Record<string, unknown>): Promise<void> {
  const id = message.attrs.id;
  const bounced: { error: StanzaError | null } = { error: null };
  const stop = session.onStanza((stanza) => {
    if (stanza.attrs.id !== id || splitOccupantJid(stanza.attrs.from ?? "").room !== room) return;
    bounced.error ??= parseMessageError(stanza);
  });
  try {
    await session.send(message);
    await discoInfo(session, room);
  } catch (error) {
    if (error instanceof StanzaError && (error.condition === "item-not-found" || error.condition === "gone")) {
      throw new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, { room });
    }
    throw toApiError(error, {}, { room });
  } finally {
    stop();
  }
  if (bounced.error) throw toApiError(bounced.error, table, context, MUC_CONTEXT);
}

/**
 * Rooms answer `item-not-found` both for a missing room and a missing nick; the room's
 * disco#info tells them apart.
 */
export async function roomAwareError(session: XmppSession, room: string, error: unknown, table: ConditionMapping, context: Record<string, unknown>): Promise<ApiError> {
  if (error instanceof StanzaError && error.condition === "item-not-found" && !(await roomExists(session, room, { room }))) {
    return new ApiError("room_not_found", MUC_MESSAGES.roomNotFound, { room });
  }
  return toApiError(error, table, context, MUC_CONTEXT);
}
