/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Outcome of checking the credentials carried by a request. */
export type AuthStatus =
  /** Valid credentials were supplied, so protected operations may be called. */
  | 'AUTHORIZED'
  /** The request carried no usable credentials; protected operations would fail with `no_permissions`. (Wrong credentials never reach this point: they are refused with HTTP 401 `wrong_credentials`.) */
  | 'UNAUTHORIZED';

/** A chat state (XEP-0085 Chat State Notifications): what the user is doing in a conversation. */
export type ChatState =
  /** The user is paying attention to the conversation. */
  | 'ACTIVE'
  /** The user is typing a message. */
  | 'COMPOSING'
  /** The user has left the conversation (closed the window). */
  | 'GONE'
  /** The user is not paying attention to the conversation. */
  | 'INACTIVE'
  /** The user had been typing and stopped. */
  | 'PAUSED';

/** Pending (unanswered) subscription requests on a roster item. */
export type ContactAsk =
  /** Requests are outstanding in both directions. */
  | 'BOTH'
  /** The contact has asked to see the caller's presence and the caller has not answered yet. */
  | 'IN'
  /** No request is pending. */
  | 'NONE'
  /** A request from the caller to the contact is outstanding, with none pending the other way. */
  | 'OUT'
  /** The caller has asked to subscribe to the contact's presence (RFC 6121 `ask='subscribe'`) and awaits approval. */
  | 'SUBSCRIBE'
  /** The caller has asked to end its subscription to the contact, and the request is still being processed. */
  | 'UNSUBSCRIBE';

/** Presence subscription state of a roster item, as defined by RFC 6121. */
export type ContactSub =
  /** Mutual subscription: the caller and the contact each receive the other's presence. */
  | 'BOTH'
  /** The contact receives the caller's presence, but the caller does not receive the contact's. */
  | 'FROM'
  /** No presence is shared in either direction. */
  | 'NONE'
  /** The caller receives the contact's presence, but the contact does not receive the caller's. */
  | 'TO';

/** Whether a conversation is with one user or in a room. */
export type ConversationKind =
  /** A one-to-one chat with another user. */
  | 'ONE_TO_ONE'
  /** A group chat room (MUC, or MUC Light as mapped by the gateway). */
  | 'ROOM';

/** Availability of a contact or resource, as chat clients show it. `ONLINE` is plain available presence (no `<show/>`); `CHAT`, `AWAY`, `XA` and `DND` are RFC 6121's `<show/>` values; `OFFLINE` is unavailable. */
export type PresenceShow =
  /** Away for a short while (`<show>away</show>`). */
  | 'AWAY'
  /** Available and keen to chat (`<show>chat</show>`). */
  | 'CHAT'
  /** Do not disturb (`<show>dnd</show>`). */
  | 'DND'
  /** Not available: no resource of the contact is online, or the caller chose to appear offline. */
  | 'OFFLINE'
  /** Available, with no particular state. */
  | 'ONLINE'
  /** Away for a long while (`<show>xa</show>`, extended away). */
  | 'XA';

/** What happened in a room. */
export type RoomEventKind =
  /** An affiliation changed (`actor` is the user concerned). */
  | 'AFFILIATION'
  /** The room configuration changed. */
  | 'CONFIG'
  /** The room was destroyed. */
  | 'DESTROYED'
  /** The room icon changed (`icon`). */
  | 'ICON'
  /** The caller was invited to the room (`actor` is the inviter). */
  | 'INVITATION'
  /** An occupant joined (`nick`, `actor`). */
  | 'JOINED'
  /** An occupant left (`nick`, `actor`). */
  | 'LEFT'
  /** The subject changed (`subject`). */
  | 'SUBJECT';

/** Presence subscription actions and the RFC 6121 presence type each one sends. */
export type SubAction =
  /** Approve the contact's request to see the caller's presence: sends `subscribed`. */
  | 'ACCEPT'
  /** Stop receiving the contact's presence: sends `unsubscribe`. */
  | 'CANCEL'
  /** Refuse the contact's pending request, or withdraw an approval already given: sends `unsubscribed`. */
  | 'DECLINE'
  /** Ask to receive the contact's presence: sends presence of type `subscribe`. */
  | 'INVITE';

/** The kinds of presence subscription stanza (RFC 6121 §3). */
export type SubscriptionRequestKind =
  /** The sender asks to see the caller's presence. */
  | 'SUBSCRIBE'
  /** The sender accepted the caller's request. */
  | 'SUBSCRIBED'
  /** The sender no longer wants to see the caller's presence. */
  | 'UNSUBSCRIBE'
  /** The sender declined the caller's request, or cancelled a subscription it had granted. */
  | 'UNSUBSCRIBED';

export type RequestTokenMutationVariables = Exact<{ [key: string]: never; }>;


export type RequestTokenMutation = { token: { requestToken: { access: string | null } | null } | null };

export type WhoAmIQueryVariables = Exact<{ [key: string]: never; }>;


export type WhoAmIQuery = { checkAuth: { username: string | null, authStatus: AuthStatus | null } | null };

export type MessageFieldsFragment = { id: string, conversation: string, from: string, timestamp: string, body: string | null, subject: string | null, outgoing: boolean, edited: boolean, retracted: boolean, stanza: string, reactions: Array<{ emoji: string, count: number, by: Array<string> }> };

export type ConversationFieldsFragment = { id: string, kind: ConversationKind, name: string | null, subject: string | null, unreadCount: number, lastReadId: string | null, isFavorite: boolean, lastActivity: string | null, lastMessage: { id: string, conversation: string, from: string, timestamp: string, body: string | null, outgoing: boolean, retracted: boolean } | null };

export type ConversationsQueryVariables = Exact<{
  after?: string | null | undefined;
}>;


export type ConversationsQuery = { conversations: { list: { endCursor: string | null, hasMore: boolean, items: Array<{ id: string, kind: ConversationKind, name: string | null, subject: string | null, unreadCount: number, lastReadId: string | null, isFavorite: boolean, lastActivity: string | null, lastMessage: { id: string, conversation: string, from: string, timestamp: string, body: string | null, outgoing: boolean, retracted: boolean } | null }> } | null } | null };

export type OneConversationQueryVariables = Exact<{
  id: string;
}>;


export type OneConversationQuery = { conversations: { get: { id: string, kind: ConversationKind, name: string | null, subject: string | null, unreadCount: number, lastReadId: string | null, isFavorite: boolean, lastActivity: string | null, lastMessage: { id: string, conversation: string, from: string, timestamp: string, body: string | null, outgoing: boolean, retracted: boolean } | null } | null } | null };

export type HistoryQueryVariables = Exact<{
  with: string;
  before?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type HistoryQuery = { conversations: { messages: { startCursor: string | null, endCursor: string | null, hasBefore: boolean, hasAfter: boolean, items: Array<{ id: string, conversation: string, from: string, timestamp: string, body: string | null, subject: string | null, outgoing: boolean, edited: boolean, retracted: boolean, stanza: string, reactions: Array<{ emoji: string, count: number, by: Array<string> }> }> } | null } | null };

export type SendMessageMutationVariables = Exact<{
  to: string;
  body: string;
}>;


export type SendMessageMutation = { stanza: { sendMessage: { id: string | null } | null } | null };

export type SendGroupMessageMutationVariables = Exact<{
  room: string;
  body: string;
}>;


export type SendGroupMessageMutation = { muc_light: { sendMessageToRoom: string | null } | null };

export type SendChatStateMutationVariables = Exact<{
  to: string;
  state: ChatState;
}>;


export type SendChatStateMutation = { chat: { sendChatState: boolean | null } | null };

export type MarkDisplayedMutationVariables = Exact<{
  with: string;
  upTo: string;
}>;


export type MarkDisplayedMutation = { conversations: { markDisplayed: { id: string, unreadCount: number, lastReadId: string | null } | null } | null };

export type SetFavoriteMutationVariables = Exact<{
  with: string;
  favorite: boolean;
}>;


export type SetFavoriteMutation = { conversations: { setFavorite: { id: string, isFavorite: boolean } | null } | null };

export type EditMessageMutationVariables = Exact<{
  with: string;
  id: string;
  body: string;
}>;


export type EditMessageMutation = { chat: { editMessage: { id: string, conversation: string, from: string, timestamp: string, body: string | null, subject: string | null, outgoing: boolean, edited: boolean, retracted: boolean, stanza: string, reactions: Array<{ emoji: string, count: number, by: Array<string> }> } | null } | null };

export type RetractMessageMutationVariables = Exact<{
  with: string;
  id: string;
}>;


export type RetractMessageMutation = { chat: { retractMessage: boolean | null } | null };

export type ReactMutationVariables = Exact<{
  with: string;
  id: string;
  emojis: Array<string> | string;
}>;


export type ReactMutation = { chat: { react: boolean | null } | null };

export type StartChatMutationVariables = Exact<{
  invitees: Array<string> | string;
  message: string;
  subject?: string | null | undefined;
}>;


export type StartChatMutation = { chat: { startChat: { id: string, kind: ConversationKind, name: string | null, subject: string | null, unreadCount: number, lastReadId: string | null, isFavorite: boolean, lastActivity: string | null, lastMessage: { id: string, conversation: string, from: string, timestamp: string, body: string | null, outgoing: boolean, retracted: boolean } | null } | null } | null };

export type SetRoomSubjectMutationVariables = Exact<{
  room: string;
  subject: string;
}>;


export type SetRoomSubjectMutation = { conversations: { setRoomData: { id: string, kind: ConversationKind, name: string | null, subject: string | null, unreadCount: number, lastReadId: string | null, isFavorite: boolean, lastActivity: string | null, lastMessage: { id: string, conversation: string, from: string, timestamp: string, body: string | null, outgoing: boolean, retracted: boolean } | null } | null } | null };

export type ContactsQueryVariables = Exact<{ [key: string]: never; }>;


export type ContactsQuery = { roster: { listContacts: Array<{ jid: string, name: string | null, subscription: ContactSub | null, ask: ContactAsk | null }> | null } | null, presence: { contacts: Array<{ jid: string, show: PresenceShow, status: string | null }> | null } | null };

export type AddContactMutationVariables = Exact<{
  jid: string;
}>;


export type AddContactMutation = { roster: { addContact: string | null, subscription: string | null } | null };

export type AnswerRequestMutationVariables = Exact<{
  jid: string;
  action: SubAction;
}>;


export type AnswerRequestMutation = { roster: { subscription: string | null } | null };

export type SetPresenceMutationVariables = Exact<{
  show: PresenceShow;
  status?: string | null | undefined;
}>;


export type SetPresenceMutation = { presence: { setPresence: { show: PresenceShow, status: string | null } | null } | null };

export type EventsSubscriptionVariables = Exact<{
  since?: string | null | undefined;
}>;


export type EventsSubscription = { events: { stream:
      | { __typename: 'BlockingEvent', cursor: string | null, at: string, replayed: boolean }
      | { __typename: 'ChatStateEvent', from: string, conversation: string, state: ChatState, cursor: string | null, at: string, replayed: boolean }
      | { __typename: 'DisplayedEvent', from: string, conversation: string, upTo: string, cursor: string | null, at: string, replayed: boolean }
      | { __typename: 'EditEvent', conversation: string, id: string, cursor: string | null, at: string, replayed: boolean, edited: { id: string, conversation: string, from: string, timestamp: string, body: string | null, subject: string | null, outgoing: boolean, edited: boolean, retracted: boolean, stanza: string, reactions: Array<{ emoji: string, count: number, by: Array<string> }> } }
      | { __typename: 'MessageEvent', cursor: string | null, at: string, replayed: boolean, message: { id: string, conversation: string, from: string, timestamp: string, body: string | null, subject: string | null, outgoing: boolean, edited: boolean, retracted: boolean, stanza: string, reactions: Array<{ emoji: string, count: number, by: Array<string> }> } }
      | { __typename: 'PresenceEvent', cursor: string | null, at: string, replayed: boolean, presence: { jid: string, show: PresenceShow, status: string | null } }
      | { __typename: 'ReactionEvent', conversation: string, id: string, emojis: Array<string>, cursor: string | null, at: string, replayed: boolean, reactor: string }
      | { __typename: 'ResyncEvent', reason: string, cursor: string | null, at: string, replayed: boolean }
      | { __typename: 'RetractEvent', conversation: string, id: string, cursor: string | null, at: string, replayed: boolean }
      | { __typename: 'RoomEvent', room: string, subject: string | null, cursor: string | null, at: string, replayed: boolean, roomEvent: RoomEventKind }
      | { __typename: 'RosterEvent', removed: boolean, cursor: string | null, at: string, replayed: boolean, contact: { jid: string, name: string | null, subscription: ContactSub | null, ask: ContactAsk | null } }
      | { __typename: 'SubscriptionRequestEvent', cursor: string | null, at: string, replayed: boolean, requester: string, request: SubscriptionRequestKind }
     | null } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const MessageFieldsFragmentDoc = new TypedDocumentString(`
    fragment MessageFields on Message {
  id
  conversation
  from
  timestamp
  body
  subject
  outgoing
  edited
  retracted
  reactions {
    emoji
    count
    by
  }
  stanza
}
    `, {"fragmentName":"MessageFields"}) as unknown as TypedDocumentString<MessageFieldsFragment, unknown>;
export const ConversationFieldsFragmentDoc = new TypedDocumentString(`
    fragment ConversationFields on Conversation {
  id
  kind
  name
  subject
  unreadCount
  lastReadId
  isFavorite
  lastActivity
  lastMessage {
    id
    conversation
    from
    timestamp
    body
    outgoing
    retracted
  }
}
    `, {"fragmentName":"ConversationFields"}) as unknown as TypedDocumentString<ConversationFieldsFragment, unknown>;
export const RequestTokenDocument = new TypedDocumentString(`
    mutation RequestToken {
  token {
    requestToken {
      access
    }
  }
}
    `) as unknown as TypedDocumentString<RequestTokenMutation, RequestTokenMutationVariables>;
export const WhoAmIDocument = new TypedDocumentString(`
    query WhoAmI {
  checkAuth {
    username
    authStatus
  }
}
    `) as unknown as TypedDocumentString<WhoAmIQuery, WhoAmIQueryVariables>;
export const ConversationsDocument = new TypedDocumentString(`
    query Conversations($after: String) {
  conversations {
    list(first: 20, after: $after) {
      items {
        ...ConversationFields
      }
      endCursor
      hasMore
    }
  }
}
    fragment ConversationFields on Conversation {
  id
  kind
  name
  subject
  unreadCount
  lastReadId
  isFavorite
  lastActivity
  lastMessage {
    id
    conversation
    from
    timestamp
    body
    outgoing
    retracted
  }
}`) as unknown as TypedDocumentString<ConversationsQuery, ConversationsQueryVariables>;
export const OneConversationDocument = new TypedDocumentString(`
    query OneConversation($id: BareJID!) {
  conversations {
    get(id: $id) {
      ...ConversationFields
    }
  }
}
    fragment ConversationFields on Conversation {
  id
  kind
  name
  subject
  unreadCount
  lastReadId
  isFavorite
  lastActivity
  lastMessage {
    id
    conversation
    from
    timestamp
    body
    outgoing
    retracted
  }
}`) as unknown as TypedDocumentString<OneConversationQuery, OneConversationQueryVariables>;
export const HistoryDocument = new TypedDocumentString(`
    query History($with: BareJID!, $before: String, $after: String) {
  conversations {
    messages(with: $with, before: $before, after: $after, first: 25) {
      items {
        ...MessageFields
      }
      startCursor
      endCursor
      hasBefore
      hasAfter
    }
  }
}
    fragment MessageFields on Message {
  id
  conversation
  from
  timestamp
  body
  subject
  outgoing
  edited
  retracted
  reactions {
    emoji
    count
    by
  }
  stanza
}`) as unknown as TypedDocumentString<HistoryQuery, HistoryQueryVariables>;
export const SendMessageDocument = new TypedDocumentString(`
    mutation SendMessage($to: JID!, $body: String!) {
  stanza {
    sendMessage(to: $to, body: $body) {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<SendMessageMutation, SendMessageMutationVariables>;
export const SendGroupMessageDocument = new TypedDocumentString(`
    mutation SendGroupMessage($room: BareJID!, $body: String!) {
  muc_light {
    sendMessageToRoom(room: $room, body: $body)
  }
}
    `) as unknown as TypedDocumentString<SendGroupMessageMutation, SendGroupMessageMutationVariables>;
export const SendChatStateDocument = new TypedDocumentString(`
    mutation SendChatState($to: JID!, $state: ChatState!) {
  chat {
    sendChatState(to: $to, state: $state)
  }
}
    `) as unknown as TypedDocumentString<SendChatStateMutation, SendChatStateMutationVariables>;
export const MarkDisplayedDocument = new TypedDocumentString(`
    mutation MarkDisplayed($with: BareJID!, $upTo: String!) {
  conversations {
    markDisplayed(with: $with, upTo: $upTo) {
      id
      unreadCount
      lastReadId
    }
  }
}
    `) as unknown as TypedDocumentString<MarkDisplayedMutation, MarkDisplayedMutationVariables>;
export const SetFavoriteDocument = new TypedDocumentString(`
    mutation SetFavorite($with: BareJID!, $favorite: Boolean!) {
  conversations {
    setFavorite(with: $with, favorite: $favorite) {
      id
      isFavorite
    }
  }
}
    `) as unknown as TypedDocumentString<SetFavoriteMutation, SetFavoriteMutationVariables>;
export const EditMessageDocument = new TypedDocumentString(`
    mutation EditMessage($with: BareJID!, $id: String!, $body: String!) {
  chat {
    editMessage(with: $with, id: $id, body: $body) {
      ...MessageFields
    }
  }
}
    fragment MessageFields on Message {
  id
  conversation
  from
  timestamp
  body
  subject
  outgoing
  edited
  retracted
  reactions {
    emoji
    count
    by
  }
  stanza
}`) as unknown as TypedDocumentString<EditMessageMutation, EditMessageMutationVariables>;
export const RetractMessageDocument = new TypedDocumentString(`
    mutation RetractMessage($with: BareJID!, $id: String!) {
  chat {
    retractMessage(with: $with, id: $id)
  }
}
    `) as unknown as TypedDocumentString<RetractMessageMutation, RetractMessageMutationVariables>;
export const ReactDocument = new TypedDocumentString(`
    mutation React($with: BareJID!, $id: String!, $emojis: [String!]!) {
  chat {
    react(with: $with, id: $id, emojis: $emojis)
  }
}
    `) as unknown as TypedDocumentString<ReactMutation, ReactMutationVariables>;
export const StartChatDocument = new TypedDocumentString(`
    mutation StartChat($invitees: [BareJID!]!, $message: String!, $subject: String) {
  chat {
    startChat(invitees: $invitees, message: $message, subject: $subject) {
      ...ConversationFields
    }
  }
}
    fragment ConversationFields on Conversation {
  id
  kind
  name
  subject
  unreadCount
  lastReadId
  isFavorite
  lastActivity
  lastMessage {
    id
    conversation
    from
    timestamp
    body
    outgoing
    retracted
  }
}`) as unknown as TypedDocumentString<StartChatMutation, StartChatMutationVariables>;
export const SetRoomSubjectDocument = new TypedDocumentString(`
    mutation SetRoomSubject($room: BareJID!, $subject: String!) {
  conversations {
    setRoomData(room: $room, subject: $subject) {
      ...ConversationFields
    }
  }
}
    fragment ConversationFields on Conversation {
  id
  kind
  name
  subject
  unreadCount
  lastReadId
  isFavorite
  lastActivity
  lastMessage {
    id
    conversation
    from
    timestamp
    body
    outgoing
    retracted
  }
}`) as unknown as TypedDocumentString<SetRoomSubjectMutation, SetRoomSubjectMutationVariables>;
export const ContactsDocument = new TypedDocumentString(`
    query Contacts {
  roster {
    listContacts {
      jid
      name
      subscription
      ask
    }
  }
  presence {
    contacts {
      jid
      show
      status
    }
  }
}
    `) as unknown as TypedDocumentString<ContactsQuery, ContactsQueryVariables>;
export const AddContactDocument = new TypedDocumentString(`
    mutation AddContact($jid: JID!) {
  roster {
    addContact(contact: $jid)
    subscription(contact: $jid, action: INVITE)
  }
}
    `) as unknown as TypedDocumentString<AddContactMutation, AddContactMutationVariables>;
export const AnswerRequestDocument = new TypedDocumentString(`
    mutation AnswerRequest($jid: JID!, $action: SubAction!) {
  roster {
    subscription(contact: $jid, action: $action)
  }
}
    `) as unknown as TypedDocumentString<AnswerRequestMutation, AnswerRequestMutationVariables>;
export const SetPresenceDocument = new TypedDocumentString(`
    mutation SetPresence($show: PresenceShow!, $status: String) {
  presence {
    setPresence(show: $show, status: $status) {
      show
      status
    }
  }
}
    `) as unknown as TypedDocumentString<SetPresenceMutation, SetPresenceMutationVariables>;
export const EventsDocument = new TypedDocumentString(`
    subscription Events($since: String) {
  events {
    stream(since: $since) {
      __typename
      cursor
      at
      replayed
      ... on MessageEvent {
        message {
          ...MessageFields
        }
      }
      ... on PresenceEvent {
        presence {
          jid
          show
          status
        }
      }
      ... on RosterEvent {
        contact {
          jid
          name
          subscription
          ask
        }
        removed
      }
      ... on SubscriptionRequestEvent {
        requester: from
        request: kind
      }
      ... on ChatStateEvent {
        from
        conversation
        state
      }
      ... on DisplayedEvent {
        from
        conversation
        upTo
      }
      ... on EditEvent {
        conversation
        id
        edited: message {
          ...MessageFields
        }
      }
      ... on RetractEvent {
        conversation
        id
      }
      ... on ReactionEvent {
        conversation
        id
        reactor: from
        emojis
      }
      ... on RoomEvent {
        room
        roomEvent: kind
        subject
      }
      ... on ResyncEvent {
        reason
      }
    }
  }
}
    fragment MessageFields on Message {
  id
  conversation
  from
  timestamp
  body
  subject
  outgoing
  edited
  retracted
  reactions {
    emoji
    count
    by
  }
  stanza
}`) as unknown as TypedDocumentString<EventsSubscription, EventsSubscriptionVariables>;