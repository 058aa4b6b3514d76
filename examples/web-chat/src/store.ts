/**
 * What the page knows, and how each event of the stream changes it. No DOM here: the
 * views read this state, `apply` folds one event in. Messages are kept by id, so an event
 * that arrives twice (a replay overlapping a page just loaded) is shown once.
 */
import { bareOf } from "./dom";
import type { ConversationFieldsFragment, EventsSubscription, MessageFieldsFragment } from "./gql/graphql";

export type Message = MessageFieldsFragment;
export type Conversation = ConversationFieldsFragment;
type StreamEvent = NonNullable<NonNullable<EventsSubscription["events"]>["stream"]>;

export interface Contact {
  jid: string;
  name?: string | null;
  subscription?: string | null;
  show: string;
  status?: string | null;
}

export interface History {
  /** Ordered oldest first, by id: replacing one keeps its place. */
  messages: Map<string, Message>;
  startCursor?: string | null;
  hasBefore: boolean;
  loaded: boolean;
}

export function createStore(me: string) {
  const state = {
    me,
    conversations: new Map<string, Conversation>(),
    /** Why the server's conversation list could not be read, if it could not. */
    listError: undefined as string | undefined,
    histories: new Map<string, History>(),
    open: undefined as string | undefined,
    /** Who is typing in each conversation. */
    typing: new Map<string, string>(),
    /** The newest of the caller's messages each peer has read. */
    peerRead: new Map<string, string>(),
    contacts: new Map<string, Contact>(),
    requests: new Set<string>(),
    /**
     * The caller's messages by the ids their sender gave them (`conversation id` → archive
     * id). A peer's read marker, and a change to a message the stream did not deliver (one
     * sent through this gateway), name a message by that id.
     */
    senderIds: new Map<string, string>(),
    /** The newest archived event: the stream resumes after it. */
    cursor: undefined as string | undefined,
    connection: "connecting" as string,
  };

  const historyOf = (id: string): History => {
    let history = state.histories.get(id);
    if (!history) state.histories.set(id, (history = { messages: new Map(), hasBefore: true, loaded: false }));
    return history;
  };

  const conversationOf = (id: string): Conversation => {
    let conversation = state.conversations.get(id);
    if (!conversation) {
      const contact = state.contacts.get(id);
      conversation = { id, kind: "ONE_TO_ONE", name: contact?.name ?? null, subject: null, lastReadId: null, lastActivity: null, lastMessage: null, unreadCount: 0, isFavorite: false };
      state.conversations.set(id, conversation);
    }
    return conversation;
  };

  /**
   * Adds or replaces messages. A page read from the archive is in the archive's order:
   * `older` puts it before what is shown (the first page, or one scrolled back to),
   * `newer` after it (a catch-up, a live message). Either way each id appears once.
   */
  function addMessages(id: string, page: readonly Message[], where: "older" | "newer") {
    const history = historyOf(id);
    for (const m of page) for (const senderId of senderIdsOf(m)) state.senderIds.set(`${id} ${senderId}`, m.id);
    const fresh = page.filter((m) => !history.messages.has(m.id));
    if (where === "older") {
      const rest = [...history.messages].filter(([key]) => !page.some((m) => m.id === key));
      history.messages = new Map([...page.map((m) => [m.id, m] as const), ...rest]);
    } else {
      for (const m of page) history.messages.set(m.id, m);
    }
    const newest = [...history.messages.values()].at(-1);
    const conversation = conversationOf(id);
    if (newest && timeOf(newest.timestamp) >= timeOf(conversation.lastActivity)) {
      conversation.lastMessage = newest;
      conversation.lastActivity = newest.timestamp;
    }
    return fresh;
  }

  /** Changes a shown message; false when it is not shown (under another id, or not loaded). */
  function updateMessage(conversation: string, named: string, change: (m: Message) => Message): boolean {
    const history = state.histories.get(conversation);
    const id = resolve(conversation, named);
    const message = history?.messages.get(id);
    if (!history || !message) return false;
    const changed = change(message);
    history.messages.set(id, changed);
    const entry = state.conversations.get(conversation);
    if (entry?.lastMessage?.id === id) entry.lastMessage = changed;
    return true;
  }

  /**
   * Folds one event of the stream into the state. Returns a conversation to read again
   * when a change names a message the page shows under another id: the stream names the
   * caller's own messages sent through the gateway by the sender's id, not the archive's.
   */
  function apply(event: StreamEvent): string | undefined {
    if (event.cursor) state.cursor = event.cursor;
    switch (event.__typename) {
      case "MessageEvent": {
        const m = event.message;
        if (m.body == null && !m.retracted) return;
        const known = state.histories.get(m.conversation)?.messages.has(m.id) ?? false;
        addMessages(m.conversation, [m], "newer");
        state.typing.delete(m.conversation);
        if (!known && !m.outgoing && state.open !== m.conversation) conversationOf(m.conversation).unreadCount += 1;
        return;
      }
      case "ChatStateEvent":
        if (bareOf(event.from) === state.me) return;
        if (event.state === "COMPOSING") state.typing.set(event.conversation, event.from);
        else state.typing.delete(event.conversation);
        return;
      case "DisplayedEvent":
        // The caller read it on another device: the badge clears here too.
        if (bareOf(event.from) === state.me) conversationOf(event.conversation).unreadCount = 0;
        else state.peerRead.set(event.conversation, resolve(event.conversation, event.upTo));
        return;
      case "EditEvent":
        return changed(event.conversation, updateMessage(event.conversation, event.id, () => event.edited));
      case "RetractEvent":
        return changed(event.conversation, updateMessage(event.conversation, event.id, (m) => ({ ...m, retracted: true, body: null })));
      case "ReactionEvent":
        return changed(event.conversation, updateMessage(event.conversation, event.id, (m) => ({ ...m, reactions: withReactions(m.reactions, event.reactor, event.emojis) })));
      case "RoomEvent":
        if (event.roomEvent === "SUBJECT") conversationOf(event.room).subject = event.subject;
        conversationOf(event.room).kind = "ROOM";
        return undefined;
      case "PresenceEvent": {
        const p = event.presence;
        const contact = state.contacts.get(p.jid) ?? { jid: p.jid, show: "OFFLINE" };
        state.contacts.set(p.jid, { ...contact, show: p.show, status: p.status });
        return;
      }
      case "RosterEvent": {
        const c = event.contact;
        if (event.removed) state.contacts.delete(c.jid);
        else state.contacts.set(c.jid, { show: "OFFLINE", ...state.contacts.get(c.jid), ...c });
        if (c.subscription === "FROM" || c.subscription === "BOTH") state.requests.delete(c.jid);
        return;
      }
      case "SubscriptionRequestEvent":
        if (event.request === "SUBSCRIBE") state.requests.add(event.requester);
        else state.requests.delete(event.requester);
        return;
      default:
        return;
    }
  }

  /** The archive id of a message named by its archive id or by its sender's id. */
  const resolve = (conversation: string, id: string) =>
    state.histories.get(conversation)?.messages.has(id) ? id : (state.senderIds.get(`${conversation} ${id}`) ?? id);

  const changed = (conversation: string, shown: boolean) =>
    !shown && state.histories.get(conversation)?.loaded ? conversation : undefined;

  /** The list as shown: favourites on top, then newest activity first. */
  const sortedConversations = () =>
    [...state.conversations.values()].sort((a, b) =>
      Number(b.isFavorite) - Number(a.isFavorite) || timeOf(b.lastActivity) - timeOf(a.lastActivity));

  return { state, apply, addMessages, updateMessage, historyOf, conversationOf, sortedConversations };
}

export type Store = ReturnType<typeof createStore>;

const timeOf = (stamp: string | null | undefined) => (stamp ? Date.parse(stamp) : 0);

/** The ids the sender gave an outgoing message: its `id` and XEP-0359 origin-id. */
function senderIdsOf(m: Message): string[] {
  if (!m.outgoing) return [];
  const stanza = new DOMParser().parseFromString(m.stanza, "application/xml").documentElement;
  const origin = [...stanza.children].find((c) => c.localName === "origin-id" && c.namespaceURI === "urn:xmpp:sid:0");
  return [stanza.getAttribute("id"), origin?.getAttribute("id")].filter((id): id is string => Boolean(id));
}

function withReactions(reactions: Message["reactions"], who: string, emojis: readonly string[]): Message["reactions"] {
  const byEmoji = new Map(reactions.map((r) => [r.emoji, r.by.filter((jid) => jid !== who)]));
  for (const emoji of emojis) byEmoji.set(emoji, [...(byEmoji.get(emoji) ?? []), who]);
  return [...byEmoji].filter(([, by]) => by.length).map(([emoji, by]) => ({ emoji, by, count: by.length }));
}
