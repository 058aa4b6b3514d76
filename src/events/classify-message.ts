import type { Element } from "@xmpp/xml";
import { parseChatState } from "../xmpp/chat-states.js";
import { parseDisplayedEvent, parseDisplayedMarker } from "../xmpp/markers.js";
import { isFallbackBody, parseCorrection, parseReactions, parseRetraction } from "../xmpp/message-edits.js";
import { NS_SID } from "../xmpp/namespaces.js";
import { bareOf } from "../xmpp/jid.js";
import type { ChatEvent, MessageModel } from "./event.models.js";

/*
 * Turns one message that reached the user — live, as a carbon of the user's own, or
 * replayed from the archive — into the events a chat client shows. Pure: the stream
 * decides where messages come from, this decides what they mean.
 */

const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
const NS_CONFERENCE = "jabber:x:conference";
// XEP-0045 §10.2.1: status 104 tells occupants that the room configuration changed.
const STATUS_CONFIG_CHANGED = "104";

/** A message with what the stream knows about it. */
export interface ReceivedMessage {
  message: Element;
  /** The user's bare JID, lower-case. */
  ownBareJid: string;
  /** Sent by the user (a sent carbon, or an archived message from the user). */
  outgoing: boolean;
  /** The id the user's archive gave it (XEP-0359 / MAM result id), when archived there. */
  archiveId: string | null;
  timestamp: Date;
  replayed: boolean;
  /**
   * Whether a subject message from this room is the current subject the room sends as
   * the user enters (XEP-0045 §7.2.15) rather than a change; asked once per such message.
   */
  isEntrySubject?: (room: string) => boolean;
}

/** The conversation a message belongs to: the room, or the other party. */
export function conversationOf(received: ReceivedMessage): string {
  const { message, outgoing, ownBareJid } = received;
  // A room's messages (the user's own echoed back too) come from the room.
  const peer = outgoing && message.attrs.type !== "groupchat" ? message.attrs.to : message.attrs.from;
  return peer ? bareOf(peer) : ownBareJid;
}

/**
 * The id other messages use to point at this one, and that `Message.id` shows: the
 * archive id in the user's archive, else the room's stanza-id in a room, else the
 * sender's message id.
 */
export function messageIdOf(received: ReceivedMessage): string {
  if (received.archiveId !== null) return received.archiveId;
  const room = received.message.attrs.type === "groupchat" ? conversationOf(received) : undefined;
  const roomId = room && received.message.getChildren("stanza-id", NS_SID).find((s) => s.attrs.by?.toLowerCase() === room)?.attrs.id;
  return roomId || received.message.attrs.id || "";
}

/** The Message model of a message with a body (corrections and reactions not yet folded in). */
export function toMessageModel(received: ReceivedMessage): MessageModel {
  const { message, outgoing, ownBareJid } = received;
  const retracted = parseRetraction(message) !== null && isFallbackBody(message);
  return {
    id: messageIdOf(received),
    conversation: conversationOf(received),
    from: message.attrs.from ?? ownBareJid,
    timestamp: received.timestamp,
    body: message.getChildText("body"),
    subject: message.getChildText("subject"),
    outgoing,
    edited: false,
    retracted,
    reactions: [],
    stanza: message,
  };
}

/** The events one message means; [] for messages a chat client ignores (errors, receipts). */
export function classifyMessage(received: ReceivedMessage): ChatEvent[] {
  const { message, outgoing, replayed } = received;
  if (message.attrs.type === "error") return [];
  const at = received.timestamp;
  const base = { at, replayed };
  const conversation = conversationOf(received);
  const from = message.attrs.from ?? received.ownBareJid;
  const cursor = received.archiveId;
  const events: ChatEvent[] = [];

  // XEP-0490: the user's read positions, pushed by the user's own PEP service.
  for (const position of parseDisplayedEvent(message, received.ownBareJid)) {
    events.push({ __typename: "DisplayedEvent", type: "DISPLAYED", cursor: null, ...base, from: received.ownBareJid, conversation: position.conversation, upTo: position.stanzaId });
  }
  if (events.length > 0) return events;

  const mucUser = message.getChild("x", NS_MUC_USER);
  const invite = mucUser?.getChild("invite");
  if (invite && !outgoing) {
    const room = { room: conversation, actor: invite.attrs.from ?? null, nick: null, subject: null, icon: null };
    return [{ __typename: "RoomEvent", type: "ROOM", cursor, ...base, kind: "INVITATION", ...room }];
  }
  const direct = message.getChild("x", NS_CONFERENCE);
  if (direct?.attrs.jid && !outgoing) {
    const room = { room: bareOf(direct.attrs.jid), actor: bareOf(from), nick: null, subject: null, icon: null };
    return [{ __typename: "RoomEvent", type: "ROOM", cursor, ...base, kind: "INVITATION", ...room }];
  }
  const body = message.getChildText("body");
  const subject = message.getChildText("subject");
  if (message.attrs.type === "groupchat") {
    if (mucUser?.getChildren("status").some((s) => s.attrs.code === STATUS_CONFIG_CHANGED)) {
      return [{ __typename: "RoomEvent", type: "ROOM", cursor, ...base, kind: "CONFIG", room: conversation, actor: null, nick: null, subject: null, icon: null }];
    }
    // XEP-0045 §8.1: a subject change is a groupchat message with a subject and no body.
    if (subject !== null && body === null) {
      if (received.isEntrySubject?.(conversation)) return [];
      return [{ __typename: "RoomEvent", type: "ROOM", cursor, ...base, kind: "SUBJECT", room: conversation, actor: from, nick: null, subject, icon: null }];
    }
  }

  const retracts = parseRetraction(message);
  if (retracts !== null) return [{ __typename: "RetractEvent", type: "RETRACT", cursor, ...base, conversation, id: retracts, from }];
  const reactions = parseReactions(message);
  if (reactions !== null) {
    return [{ __typename: "ReactionEvent", type: "REACTION", cursor, ...base, conversation, id: reactions.reactsTo, from, emojis: reactions.emojis }];
  }
  const replaces = parseCorrection(message);
  if (replaces !== null && body !== null) {
    const corrected = { ...toMessageModel(received), id: replaces, edited: true };
    return [{ __typename: "EditEvent", type: "EDIT", cursor, ...base, conversation, id: replaces, message: corrected }];
  }
  const displayed = parseDisplayedMarker(message);
  if (displayed !== null) events.push({ __typename: "DisplayedEvent", type: "DISPLAYED", cursor, ...base, from, conversation, upTo: displayed });
  if (body !== null) events.push({ __typename: "MessageEvent", type: "MESSAGE", cursor, ...base, message: toMessageModel(received) });
  // Typing of others only: the user's own clients' states mean nothing to the user.
  const state = outgoing || replayed ? null : parseChatState(message);
  if (state !== null) events.push({ __typename: "ChatStateEvent", type: "CHAT_STATE", cursor: null, ...base, from, conversation, state: state.toUpperCase() as Uppercase<typeof state> });
  return events;
}
