import type { Element } from "@xmpp/xml";
import type { RosterItem } from "../roster/roster.stanzas.js";
import type {
  ChatState, ContactPresence, EventType, Message, RoomEventKind, SubscriptionRequestKind,
} from "../generated/graphql.js";

/*
 * The events of `events.stream`, as plain objects. `__typename` names the GraphQL type,
 * which graphql-js uses to resolve the `Event` interface, and `type` is the EventType
 * the stream filters on.
 */

/** What every event carries (the `Event` interface). */
interface EventBase {
  cursor: string | null;
  at: Date;
  replayed: boolean;
}

/** A message as the chat-app API shows it; `stanza` is the message element. */
export type MessageModel = Omit<Message, "__typename" | "stanza" | "timestamp"> & { stanza: Element; timestamp: Date };

export type ChatEvent =
  | (EventBase & { __typename: "MessageEvent"; type: "MESSAGE"; message: MessageModel })
  | (EventBase & { __typename: "PresenceEvent"; type: "PRESENCE"; presence: ContactPresence })
  | (EventBase & { __typename: "RosterEvent"; type: "ROSTER"; contact: RosterItem; removed: boolean })
  | (EventBase & { __typename: "SubscriptionRequestEvent"; type: "SUBSCRIPTION_REQUEST"; from: string; kind: SubscriptionRequestKind; message: string | null })
  | (EventBase & { __typename: "ChatStateEvent"; type: "CHAT_STATE"; from: string; conversation: string; state: ChatState })
  | (EventBase & { __typename: "DisplayedEvent"; type: "DISPLAYED"; from: string; conversation: string; upTo: string })
  | (EventBase & { __typename: "EditEvent"; type: "EDIT"; conversation: string; id: string; message: MessageModel })
  | (EventBase & { __typename: "RetractEvent"; type: "RETRACT"; conversation: string; id: string; from: string })
  | (EventBase & { __typename: "ReactionEvent"; type: "REACTION"; conversation: string; id: string; from: string; emojis: string[] })
  | (EventBase & {
      __typename: "RoomEvent";
      type: "ROOM";
      room: string;
      kind: RoomEventKind;
      actor: string | null;
      nick: string | null;
      subject: string | null;
      icon: string | null;
    })
  | (EventBase & { __typename: "BlockingEvent"; type: "BLOCKING"; blocked: string[]; unblocked: string[] })
  | (EventBase & { __typename: "ResyncEvent"; type: "RESYNC"; reason: string });

/** Every EventType is some event's `type` (checked by the compiler). */
export type ChatEventType = ChatEvent["type"];
const everyType: Record<EventType, ChatEventType> = {
  MESSAGE: "MESSAGE", PRESENCE: "PRESENCE", ROSTER: "ROSTER", SUBSCRIPTION_REQUEST: "SUBSCRIPTION_REQUEST", CHAT_STATE: "CHAT_STATE",
  DISPLAYED: "DISPLAYED", EDIT: "EDIT", RETRACT: "RETRACT", REACTION: "REACTION", ROOM: "ROOM", BLOCKING: "BLOCKING", RESYNC: "RESYNC",
};
export const EVENT_TYPES = Object.keys(everyType) as EventType[];

/** What `events` resolves to for each event: the namespace carrying it to `stream`. */
export interface StreamPayload {
  event: ChatEvent;
}
