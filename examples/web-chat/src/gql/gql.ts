/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RequestToken { token { requestToken { access } } }\n": typeof types.RequestTokenDocument,
    "\n  query WhoAmI { checkAuth { username authStatus } }\n": typeof types.WhoAmIDocument,
    "\n  fragment MessageFields on Message {\n    id conversation from timestamp body subject outgoing edited retracted\n    reactions { emoji count by }\n    stanza\n  }\n": typeof types.MessageFieldsFragmentDoc,
    "\n  fragment ConversationFields on Conversation {\n    id kind name subject unreadCount lastReadId isFavorite lastActivity\n    lastMessage { id conversation from timestamp body outgoing retracted }\n  }\n": typeof types.ConversationFieldsFragmentDoc,
    "\n  query Conversations($after: String) {\n    conversations { list(first: 20, after: $after) { items { ...ConversationFields } endCursor hasMore } }\n  }\n": typeof types.ConversationsDocument,
    "\n  query OneConversation($id: BareJID!) { conversations { get(id: $id) { ...ConversationFields } } }\n": typeof types.OneConversationDocument,
    "\n  query History($with: BareJID!, $before: String, $after: String) {\n    conversations {\n      messages(with: $with, before: $before, after: $after, first: 25) {\n        items { ...MessageFields } startCursor endCursor hasBefore hasAfter\n      }\n    }\n  }\n": typeof types.HistoryDocument,
    "\n  mutation SendMessage($to: JID!, $body: String!) { stanza { sendMessage(to: $to, body: $body) { id } } }\n": typeof types.SendMessageDocument,
    "\n  mutation SendGroupMessage($room: BareJID!, $body: String!) { muc_light { sendMessageToRoom(room: $room, body: $body) } }\n": typeof types.SendGroupMessageDocument,
    "\n  mutation SendChatState($to: JID!, $state: ChatState!) { chat { sendChatState(to: $to, state: $state) } }\n": typeof types.SendChatStateDocument,
    "\n  mutation MarkDisplayed($with: BareJID!, $upTo: String!) {\n    conversations { markDisplayed(with: $with, upTo: $upTo) { id unreadCount lastReadId } }\n  }\n": typeof types.MarkDisplayedDocument,
    "\n  mutation SetFavorite($with: BareJID!, $favorite: Boolean!) {\n    conversations { setFavorite(with: $with, favorite: $favorite) { id isFavorite } }\n  }\n": typeof types.SetFavoriteDocument,
    "\n  mutation EditMessage($with: BareJID!, $id: String!, $body: String!) {\n    chat { editMessage(with: $with, id: $id, body: $body) { ...MessageFields } }\n  }\n": typeof types.EditMessageDocument,
    "\n  mutation RetractMessage($with: BareJID!, $id: String!) { chat { retractMessage(with: $with, id: $id) } }\n": typeof types.RetractMessageDocument,
    "\n  mutation React($with: BareJID!, $id: String!, $emojis: [String!]!) { chat { react(with: $with, id: $id, emojis: $emojis) } }\n": typeof types.ReactDocument,
    "\n  mutation StartChat($invitees: [BareJID!]!, $message: String!, $subject: String) {\n    chat { startChat(invitees: $invitees, message: $message, subject: $subject) { ...ConversationFields } }\n  }\n": typeof types.StartChatDocument,
    "\n  mutation SetRoomSubject($room: BareJID!, $subject: String!) {\n    conversations { setRoomData(room: $room, subject: $subject) { ...ConversationFields } }\n  }\n": typeof types.SetRoomSubjectDocument,
    "\n  query Contacts {\n    roster { listContacts { jid name subscription ask } }\n    presence { contacts { jid show status } }\n  }\n": typeof types.ContactsDocument,
    "\n  mutation AddContact($jid: JID!) {\n    roster { addContact(contact: $jid) subscription(contact: $jid, action: INVITE) }\n  }\n": typeof types.AddContactDocument,
    "\n  mutation AnswerRequest($jid: JID!, $action: SubAction!) { roster { subscription(contact: $jid, action: $action) } }\n": typeof types.AnswerRequestDocument,
    "\n  mutation SetPresence($show: PresenceShow!, $status: String) {\n    presence { setPresence(show: $show, status: $status) { show status } }\n  }\n": typeof types.SetPresenceDocument,
    "\n  subscription Events($since: String) {\n    events {\n      stream(since: $since) {\n        __typename cursor at replayed\n        ... on MessageEvent { message { ...MessageFields } }\n        ... on PresenceEvent { presence { jid show status } }\n        ... on RosterEvent { contact { jid name subscription ask } removed }\n        ... on SubscriptionRequestEvent { requester: from request: kind }\n        ... on ChatStateEvent { from conversation state }\n        ... on DisplayedEvent { from conversation upTo }\n        ... on EditEvent { conversation id edited: message { ...MessageFields } }\n        ... on RetractEvent { conversation id }\n        ... on ReactionEvent { conversation id reactor: from emojis }\n        ... on RoomEvent { room roomEvent: kind subject }\n        ... on ResyncEvent { reason }\n      }\n    }\n  }\n": typeof types.EventsDocument,
};
const documents: Documents = {
    "\n  mutation RequestToken { token { requestToken { access } } }\n": types.RequestTokenDocument,
    "\n  query WhoAmI { checkAuth { username authStatus } }\n": types.WhoAmIDocument,
    "\n  fragment MessageFields on Message {\n    id conversation from timestamp body subject outgoing edited retracted\n    reactions { emoji count by }\n    stanza\n  }\n": types.MessageFieldsFragmentDoc,
    "\n  fragment ConversationFields on Conversation {\n    id kind name subject unreadCount lastReadId isFavorite lastActivity\n    lastMessage { id conversation from timestamp body outgoing retracted }\n  }\n": types.ConversationFieldsFragmentDoc,
    "\n  query Conversations($after: String) {\n    conversations { list(first: 20, after: $after) { items { ...ConversationFields } endCursor hasMore } }\n  }\n": types.ConversationsDocument,
    "\n  query OneConversation($id: BareJID!) { conversations { get(id: $id) { ...ConversationFields } } }\n": types.OneConversationDocument,
    "\n  query History($with: BareJID!, $before: String, $after: String) {\n    conversations {\n      messages(with: $with, before: $before, after: $after, first: 25) {\n        items { ...MessageFields } startCursor endCursor hasBefore hasAfter\n      }\n    }\n  }\n": types.HistoryDocument,
    "\n  mutation SendMessage($to: JID!, $body: String!) { stanza { sendMessage(to: $to, body: $body) { id } } }\n": types.SendMessageDocument,
    "\n  mutation SendGroupMessage($room: BareJID!, $body: String!) { muc_light { sendMessageToRoom(room: $room, body: $body) } }\n": types.SendGroupMessageDocument,
    "\n  mutation SendChatState($to: JID!, $state: ChatState!) { chat { sendChatState(to: $to, state: $state) } }\n": types.SendChatStateDocument,
    "\n  mutation MarkDisplayed($with: BareJID!, $upTo: String!) {\n    conversations { markDisplayed(with: $with, upTo: $upTo) { id unreadCount lastReadId } }\n  }\n": types.MarkDisplayedDocument,
    "\n  mutation SetFavorite($with: BareJID!, $favorite: Boolean!) {\n    conversations { setFavorite(with: $with, favorite: $favorite) { id isFavorite } }\n  }\n": types.SetFavoriteDocument,
    "\n  mutation EditMessage($with: BareJID!, $id: String!, $body: String!) {\n    chat { editMessage(with: $with, id: $id, body: $body) { ...MessageFields } }\n  }\n": types.EditMessageDocument,
    "\n  mutation RetractMessage($with: BareJID!, $id: String!) { chat { retractMessage(with: $with, id: $id) } }\n": types.RetractMessageDocument,
    "\n  mutation React($with: BareJID!, $id: String!, $emojis: [String!]!) { chat { react(with: $with, id: $id, emojis: $emojis) } }\n": types.ReactDocument,
    "\n  mutation StartChat($invitees: [BareJID!]!, $message: String!, $subject: String) {\n    chat { startChat(invitees: $invitees, message: $message, subject: $subject) { ...ConversationFields } }\n  }\n": types.StartChatDocument,
    "\n  mutation SetRoomSubject($room: BareJID!, $subject: String!) {\n    conversations { setRoomData(room: $room, subject: $subject) { ...ConversationFields } }\n  }\n": types.SetRoomSubjectDocument,
    "\n  query Contacts {\n    roster { listContacts { jid name subscription ask } }\n    presence { contacts { jid show status } }\n  }\n": types.ContactsDocument,
    "\n  mutation AddContact($jid: JID!) {\n    roster { addContact(contact: $jid) subscription(contact: $jid, action: INVITE) }\n  }\n": types.AddContactDocument,
    "\n  mutation AnswerRequest($jid: JID!, $action: SubAction!) { roster { subscription(contact: $jid, action: $action) } }\n": types.AnswerRequestDocument,
    "\n  mutation SetPresence($show: PresenceShow!, $status: String) {\n    presence { setPresence(show: $show, status: $status) { show status } }\n  }\n": types.SetPresenceDocument,
    "\n  subscription Events($since: String) {\n    events {\n      stream(since: $since) {\n        __typename cursor at replayed\n        ... on MessageEvent { message { ...MessageFields } }\n        ... on PresenceEvent { presence { jid show status } }\n        ... on RosterEvent { contact { jid name subscription ask } removed }\n        ... on SubscriptionRequestEvent { requester: from request: kind }\n        ... on ChatStateEvent { from conversation state }\n        ... on DisplayedEvent { from conversation upTo }\n        ... on EditEvent { conversation id edited: message { ...MessageFields } }\n        ... on RetractEvent { conversation id }\n        ... on ReactionEvent { conversation id reactor: from emojis }\n        ... on RoomEvent { room roomEvent: kind subject }\n        ... on ResyncEvent { reason }\n      }\n    }\n  }\n": types.EventsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RequestToken { token { requestToken { access } } }\n"): typeof import('./graphql').RequestTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WhoAmI { checkAuth { username authStatus } }\n"): typeof import('./graphql').WhoAmIDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MessageFields on Message {\n    id conversation from timestamp body subject outgoing edited retracted\n    reactions { emoji count by }\n    stanza\n  }\n"): typeof import('./graphql').MessageFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ConversationFields on Conversation {\n    id kind name subject unreadCount lastReadId isFavorite lastActivity\n    lastMessage { id conversation from timestamp body outgoing retracted }\n  }\n"): typeof import('./graphql').ConversationFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Conversations($after: String) {\n    conversations { list(first: 20, after: $after) { items { ...ConversationFields } endCursor hasMore } }\n  }\n"): typeof import('./graphql').ConversationsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OneConversation($id: BareJID!) { conversations { get(id: $id) { ...ConversationFields } } }\n"): typeof import('./graphql').OneConversationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query History($with: BareJID!, $before: String, $after: String) {\n    conversations {\n      messages(with: $with, before: $before, after: $after, first: 25) {\n        items { ...MessageFields } startCursor endCursor hasBefore hasAfter\n      }\n    }\n  }\n"): typeof import('./graphql').HistoryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($to: JID!, $body: String!) { stanza { sendMessage(to: $to, body: $body) { id } } }\n"): typeof import('./graphql').SendMessageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendGroupMessage($room: BareJID!, $body: String!) { muc_light { sendMessageToRoom(room: $room, body: $body) } }\n"): typeof import('./graphql').SendGroupMessageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendChatState($to: JID!, $state: ChatState!) { chat { sendChatState(to: $to, state: $state) } }\n"): typeof import('./graphql').SendChatStateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkDisplayed($with: BareJID!, $upTo: String!) {\n    conversations { markDisplayed(with: $with, upTo: $upTo) { id unreadCount lastReadId } }\n  }\n"): typeof import('./graphql').MarkDisplayedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetFavorite($with: BareJID!, $favorite: Boolean!) {\n    conversations { setFavorite(with: $with, favorite: $favorite) { id isFavorite } }\n  }\n"): typeof import('./graphql').SetFavoriteDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EditMessage($with: BareJID!, $id: String!, $body: String!) {\n    chat { editMessage(with: $with, id: $id, body: $body) { ...MessageFields } }\n  }\n"): typeof import('./graphql').EditMessageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetractMessage($with: BareJID!, $id: String!) { chat { retractMessage(with: $with, id: $id) } }\n"): typeof import('./graphql').RetractMessageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation React($with: BareJID!, $id: String!, $emojis: [String!]!) { chat { react(with: $with, id: $id, emojis: $emojis) } }\n"): typeof import('./graphql').ReactDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartChat($invitees: [BareJID!]!, $message: String!, $subject: String) {\n    chat { startChat(invitees: $invitees, message: $message, subject: $subject) { ...ConversationFields } }\n  }\n"): typeof import('./graphql').StartChatDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRoomSubject($room: BareJID!, $subject: String!) {\n    conversations { setRoomData(room: $room, subject: $subject) { ...ConversationFields } }\n  }\n"): typeof import('./graphql').SetRoomSubjectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Contacts {\n    roster { listContacts { jid name subscription ask } }\n    presence { contacts { jid show status } }\n  }\n"): typeof import('./graphql').ContactsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddContact($jid: JID!) {\n    roster { addContact(contact: $jid) subscription(contact: $jid, action: INVITE) }\n  }\n"): typeof import('./graphql').AddContactDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AnswerRequest($jid: JID!, $action: SubAction!) { roster { subscription(contact: $jid, action: $action) } }\n"): typeof import('./graphql').AnswerRequestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetPresence($show: PresenceShow!, $status: String) {\n    presence { setPresence(show: $show, status: $status) { show status } }\n  }\n"): typeof import('./graphql').SetPresenceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Events($since: String) {\n    events {\n      stream(since: $since) {\n        __typename cursor at replayed\n        ... on MessageEvent { message { ...MessageFields } }\n        ... on PresenceEvent { presence { jid show status } }\n        ... on RosterEvent { contact { jid name subscription ask } removed }\n        ... on SubscriptionRequestEvent { requester: from request: kind }\n        ... on ChatStateEvent { from conversation state }\n        ... on DisplayedEvent { from conversation upTo }\n        ... on EditEvent { conversation id edited: message { ...MessageFields } }\n        ... on RetractEvent { conversation id }\n        ... on ReactionEvent { conversation id reactor: from emojis }\n        ... on RoomEvent { room roomEvent: kind subject }\n        ... on ResyncEvent { reason }\n      }\n    }\n  }\n"): typeof import('./graphql').EventsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
