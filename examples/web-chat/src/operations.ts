/**
 * Every GraphQL operation the web chat sends. `npm run codegen` reads these documents and
 * writes their result and variable types into ./gql (graphql-codegen's client preset), so a
 * typo in a field name fails the type check, not the user.
 */
import { graphql } from "./gql/index.js";

// Logging in: a token is issued once with Basic credentials; the password is then dropped.
export const RequestToken = graphql(`
  mutation RequestToken { token { requestToken { access } } }
`);

export const WhoAmI = graphql(`
  query WhoAmI { checkAuth { username authStatus } }
`);

// A message as the conversation view shows it. Pages are one screen's worth; the gateway's
// cost limit (MAX_QUERY_COST) counts a selection once per item asked for with `first`.
export const MessageFields = graphql(`
  fragment MessageFields on Message {
    id conversation from timestamp body subject outgoing edited retracted
    reactions { emoji count by }
    stanza
  }
`);

export const ConversationFields = graphql(`
  fragment ConversationFields on Conversation {
    id kind name subject unreadCount lastReadId isFavorite lastActivity
    lastMessage { id conversation from timestamp body outgoing retracted }
  }
`);

export const Conversations = graphql(`
  query Conversations($after: String) {
    conversations { list(first: 20, after: $after) { items { ...ConversationFields } endCursor hasMore } }
  }
`);

export const OneConversation = graphql(`
  query OneConversation($id: BareJID!) { conversations { get(id: $id) { ...ConversationFields } } }
`);

export const History = graphql(`
  query History($with: BareJID!, $before: String, $after: String) {
    conversations {
      messages(with: $with, before: $before, after: $after, first: 25) {
        items { ...MessageFields } startCursor endCursor hasBefore hasAfter
      }
    }
  }
`);

export const SendMessage = graphql(`
  mutation SendMessage($to: JID!, $body: String!) { stanza { sendMessage(to: $to, body: $body) { id } } }
`);

export const SendGroupMessage = graphql(`
  mutation SendGroupMessage($room: BareJID!, $body: String!) { muc_light { sendMessageToRoom(room: $room, body: $body) } }
`);

export const SendChatState = graphql(`
  mutation SendChatState($to: JID!, $state: ChatState!) { chat { sendChatState(to: $to, state: $state) } }
`);

export const MarkDisplayed = graphql(`
  mutation MarkDisplayed($with: BareJID!, $upTo: String!) {
    conversations { markDisplayed(with: $with, upTo: $upTo) { id unreadCount lastReadId } }
  }
`);

export const SetFavorite = graphql(`
  mutation SetFavorite($with: BareJID!, $favorite: Boolean!) {
    conversations { setFavorite(with: $with, favorite: $favorite) { id isFavorite } }
  }
`);

export const EditMessage = graphql(`
  mutation EditMessage($with: BareJID!, $id: String!, $body: String!) {
    chat { editMessage(with: $with, id: $id, body: $body) { ...MessageFields } }
  }
`);

export const RetractMessage = graphql(`
  mutation RetractMessage($with: BareJID!, $id: String!) { chat { retractMessage(with: $with, id: $id) } }
`);

export const React = graphql(`
  mutation React($with: BareJID!, $id: String!, $emojis: [String!]!) { chat { react(with: $with, id: $id, emojis: $emojis) } }
`);

export const StartChat = graphql(`
  mutation StartChat($invitees: [BareJID!]!, $message: String!, $subject: String) {
    chat { startChat(invitees: $invitees, message: $message, subject: $subject) { ...ConversationFields } }
  }
`);

export const SetRoomSubject = graphql(`
  mutation SetRoomSubject($room: BareJID!, $subject: String!) {
    conversations { setRoomData(room: $room, subject: $subject) { ...ConversationFields } }
  }
`);

export const Contacts = graphql(`
  query Contacts {
    roster { listContacts { jid name subscription ask } }
    presence { contacts { jid show status } }
  }
`);

export const AddContact = graphql(`
  mutation AddContact($jid: JID!) {
    roster { addContact(contact: $jid) subscription(contact: $jid, action: INVITE) }
  }
`);

export const AnswerRequest = graphql(`
  mutation AnswerRequest($jid: JID!, $action: SubAction!) { roster { subscription(contact: $jid, action: $action) } }
`);

export const SetPresence = graphql(`
  mutation SetPresence($show: PresenceShow!, $status: String) {
    presence { setPresence(show: $show, status: $status) { show status } }
  }
`);

// The live stream. Event types share field names with different types (`from`, `kind`,
// `message`), so those are aliased (docs/events.md).
export const Events = graphql(`
  subscription Events($since: String) {
    events {
      stream(since: $since) {
        __typename cursor at replayed
        ... on MessageEvent { message { ...MessageFields } }
        ... on PresenceEvent { presence { jid show status } }
        ... on RosterEvent { contact { jid name subscription ask } removed }
        ... on SubscriptionRequestEvent { requester: from request: kind }
        ... on ChatStateEvent { from conversation state }
        ... on DisplayedEvent { from conversation upTo }
        ... on EditEvent { conversation id edited: message { ...MessageFields } }
        ... on RetractEvent { conversation id }
        ... on ReactionEvent { conversation id reactor: from emojis }
        ... on RoomEvent { room roomEvent: kind subject }
        ... on ResyncEvent { reason }
      }
    }
  }
`);
