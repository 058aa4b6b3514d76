/** The page's parts, each drawn from the store; actions are passed in, never imported. */
import { bareOf, fill, h, timeOf } from "./dom";
import type { Conversation, Message, Store } from "./store";

export interface Actions {
  open(id: string): void;
  favorite(id: string, favorite: boolean): void;
  edit(message: Message): void;
  retract(message: Message): void;
  react(message: Message, emoji: string): void;
  answer(jid: string, accept: boolean): void;
  setSubject(room: string): void;
}

const nameOf = (store: Store, c: Conversation) => c.name || store.state.contacts.get(c.id)?.name || c.id;

export function renderList(el: Element, store: Store, actions: Actions): void {
  const { state } = store;
  fill(el,
    state.listError && h("p", { class: "list-error", role: "alert" }, `The conversation list could not be read: ${state.listError}`),
    h("ul", {}, ...store.sortedConversations().map((c) => {
      const typing = state.typing.get(c.id);
      return h("li", { class: `conversation${c.id === state.open ? " open" : ""}`, "data-id": c.id, onclick: () => actions.open(c.id) },
        h("button", {
          class: `star${c.isFavorite ? " on" : ""}`, title: c.isFavorite ? "Unfavourite" : "Favourite",
          onclick: (e: Event) => { e.stopPropagation(); actions.favorite(c.id, !c.isFavorite); },
        }, c.isFavorite ? "★" : "☆"),
        h("span", { class: "name" }, nameOf(store, c)),
        c.unreadCount > 0 && h("span", { class: "badge" }, String(c.unreadCount)),
        h("span", { class: "time" }, timeOf(c.lastActivity)),
        h("span", { class: "last" }, typing ? "typing…" : c.lastMessage?.retracted ? "(retracted)" : c.lastMessage?.body ?? c.subject ?? ""),
      );
    })),
  );
}

export function renderHeader(el: Element, store: Store, actions: Actions): void {
  const c = store.state.open ? store.state.conversations.get(store.state.open) : undefined;
  if (!c) return fill(el, h("p", { class: "hint" }, "Pick a conversation or a contact."));
  fill(el,
    h("h2", {}, nameOf(store, c)),
    c.subject && h("span", { class: "subject" }, c.subject),
    c.kind === "ROOM" && h("button", { class: "set-subject", onclick: () => actions.setSubject(c.id) }, "Change subject"),
  );
}

export function renderMessages(el: Element, store: Store, actions: Actions): void {
  const { state } = store;
  const id = state.open;
  const history = id ? state.histories.get(id) : undefined;
  if (!id || !history) return fill(el);
  const read = state.peerRead.get(id);
  const room = state.conversations.get(id)?.kind === "ROOM";
  const messages = [...history.messages.values()];
  // The read marker goes under the newest of the caller's messages up to the peer's position.
  const readIndex = read ? messages.findIndex((m) => m.id === read) : -1;
  const marked = messages.slice(0, readIndex + 1).findLast((m) => m.outgoing)?.id;
  fill(el,
    history.hasBefore ? h("li", { class: "more" }, "Scroll up for older messages") : h("li", { class: "more" }, "Start of the conversation"),
    ...messages.map((m) => h("li", { class: `message${m.outgoing ? " mine" : ""}${m.retracted ? " retracted" : ""}`, "data-id": m.id },
      // In a room, who wrote it (the occupant's nickname); in a one-to-one chat the side says it.
      room && !m.outgoing && h("span", { class: "from" }, nickOf(m.from)),
      h("span", { class: "body" }, m.retracted ? "This message was retracted." : m.body ?? ""),
      h("span", { class: "meta" }, timeOf(m.timestamp), m.edited && !m.retracted ? " · edited" : ""),
      m.reactions.length > 0 && h("span", { class: "reactions" }, ...m.reactions.map((r) => h("span", { class: "reaction", title: r.by.join(", ") }, `${r.emoji} ${r.count}`))),
      !m.retracted && h("span", { class: "actions" },
        h("button", { title: "React 👍", onclick: () => actions.react(m, "👍") }, "👍"),
        m.outgoing && h("button", { title: "Edit", onclick: () => actions.edit(m) }, "✎"),
        m.outgoing && h("button", { title: "Retract", onclick: () => actions.retract(m) }, "🗑"),
      ),
      m.id === marked && h("span", { class: "read-marker" }, "✓ Seen"),
    )),
  );
}

export function renderTyping(el: Element, store: Store): void {
  const id = store.state.open;
  const who = id ? store.state.typing.get(id) : undefined;
  const room = id ? store.state.conversations.get(id)?.kind === "ROOM" : false;
  fill(el, who && `${room ? nickOf(who) : bareOf(who)} is typing…`);
}

/** An occupant JID's nickname: everything after the room's bare JID. */
const nickOf = (occupant: string) => occupant.slice(occupant.indexOf("/") + 1);

const DOT: Record<string, string> = { ONLINE: "online", CHAT: "online", AWAY: "away", XA: "away", DND: "dnd", OFFLINE: "offline" };

export function renderContacts(el: Element, store: Store, actions: Actions): void {
  const { state } = store;
  fill(el,
    ...[...state.requests].map((jid) => h("li", { class: "request", "data-jid": jid },
      h("span", {}, `${jid} wants to be your contact`),
      h("button", { onclick: () => actions.answer(jid, true) }, "Accept"),
      h("button", { onclick: () => actions.answer(jid, false) }, "Decline"),
    )),
    ...[...state.contacts.values()].sort((a, b) => a.jid.localeCompare(b.jid)).map((c) =>
      h("li", { class: "contact", "data-jid": c.jid, onclick: () => actions.open(c.jid) },
        h("span", { class: `dot ${DOT[c.show] ?? "offline"}`, title: c.show }),
        h("span", { class: "name" }, c.name || c.jid),
        c.status && h("span", { class: "status" }, c.status),
      )),
  );
}
