/**
 * The web chat: log in, then one event stream and a handful of queries and mutations keep
 * the page current. Everything it knows comes from the gateway's GraphQL API.
 */
import { ApiFailure, createApi, type Api } from "./api";
import { bareOf } from "./dom";
import * as ops from "./operations";
import { createStore, type Message } from "./store";
import { renderContacts, renderHeader, renderList, renderMessages, renderTyping, type Actions } from "./views";

const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector(selector) as T;

/** How long after the last keystroke "typing…" becomes "paused". */
const PAUSE_MS = 3000;

function showLogin(error?: string) {
  $("#login").hidden = false;
  $("#chat").hidden = true;
  $("#login-error").textContent = error ?? "";
}

$<HTMLFormElement>("#login").addEventListener("submit", async (e) => {
  e.preventDefault();
  const form = e.target as HTMLFormElement;
  const jid = (form.elements.namedItem("jid") as HTMLInputElement).value.trim();
  const password = form.elements.namedItem("password") as HTMLInputElement;
  const basic = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${jid}:${password.value}`)))}`;
  // The password leaves the page's memory here: the form field is cleared, and only the
  // token (or, where the gateway issues none, this Basic value) is kept, in memory.
  password.value = "";
  try {
    const api = await logIn(basic, (form.elements.namedItem("token") as HTMLInputElement).checked);
    const who = await api.request(ops.WhoAmI, {});
    if (who.checkAuth?.authStatus !== "AUTHORIZED" || !who.checkAuth.username) throw new ApiFailure("wrong user or password", "no_permissions");
    start(api, who.checkAuth.username);
  } catch (error) {
    showLogin(error instanceof ApiFailure ? `${error.message} (${error.code})` : String(error));
  }
});

async function logIn(basic: string, useToken: boolean): Promise<Api> {
  const api = createApi(basic);
  if (!useToken) return api;
  const issued = await api.request(ops.RequestToken, {});
  const access = issued.token?.requestToken?.access;
  if (!access) throw new ApiFailure("the gateway issued no token", "no_token");
  return createApi(`Bearer ${access}`);
}

function start(api: Api, me: string) {
  $("#login").hidden = true;
  $("#chat").hidden = false;
  $("#me").textContent = me;
  const store = createStore(me);
  const { state } = store;
  const list = $("#conversations"), header = $("#conversation-header"), messages = $("#messages");
  const typing = $("#typing"), contacts = $("#contacts"), status = $("#connection"), problem = $("#problem");

  let stopStream = () => {};
  const report = (error: unknown) => {
    console.error(error);
    // A login the gateway no longer accepts (an expired token): back to the form, state dropped.
    if (error instanceof ApiFailure && error.code === "wrong_credentials") {
      stopStream();
      sessionStorage.setItem(NOTICE, "The gateway no longer accepts your login (an expired or revoked token?): please log in again.");
      return location.reload();
    }
    problem.textContent = error instanceof ApiFailure ? `${error.message} (${error.code})` : String(error);
  };

  const render = () => {
    markSeen();
    renderList(list, store, actions);
    renderHeader(header, store, actions);
    // Re-drawing the messages keeps the reader where they were: at the bottom, or on the same message.
    const fromBottom = messages.scrollHeight - messages.scrollTop;
    const atBottom = fromBottom - messages.clientHeight < 40;
    renderMessages(messages, store, actions);
    messages.scrollTop = atBottom ? messages.scrollHeight : messages.scrollHeight - fromBottom;
    renderTyping(typing, store);
    renderContacts(contacts, store, actions);
    status.textContent = state.connection;
    status.dataset.state = state.connection;
  };

  // Read position: the newest message from the peer, sent once per new message, only while the page is visible.
  const sent = new Map<string, string>();
  function markSeen() {
    const id = state.open;
    if (!id || document.visibilityState !== "visible") return;
    const newest = [...(state.histories.get(id)?.messages.values() ?? [])].findLast((m) => !m.outgoing);
    const conversation = state.conversations.get(id);
    if (conversation) conversation.unreadCount = 0;
    if (!newest || sent.get(id) === newest.id || conversation?.lastReadId === newest.id) return;
    sent.set(id, newest.id);
    api.request(ops.MarkDisplayed, { with: id, upTo: newest.id }).catch(report);
  }
  document.addEventListener("visibilitychange", render);

  async function loadHistory(id: string, before?: string | null) {
    const page = (await api.request(ops.History, { with: id, before })).conversations?.messages;
    if (!page) return;
    const history = store.historyOf(id);
    store.addMessages(id, page.items.filter(shown), "older");
    if (before || !history.loaded) {
      history.startCursor = page.startCursor;
      history.hasBefore = page.hasBefore;
    }
    history.loaded = true;
  }

  /** Messages newer than the newest shown: after sending, and after a stream resync. */
  async function catchUp(id: string) {
    const newest = [...store.historyOf(id).messages.keys()].at(-1);
    const page = (await api.request(ops.History, { with: id, after: newest })).conversations?.messages;
    store.addMessages(id, page?.items.filter(shown) ?? [], "newer");
  }

  /** The newest page again, replacing what is shown of it (changes folded in by the gateway). */
  async function reloadNewest(id: string) {
    const page = (await api.request(ops.History, { with: id })).conversations?.messages;
    store.addMessages(id, page?.items.filter(shown) ?? [], "newer");
  }

  /** Reads a conversation's name, subject and kind as the server knows them (the unread count stays the page's). */
  function refreshConversation(id: string) {
    void api.request(ops.OneConversation, { id }).then((r) => {
      const { unreadCount: _, ...known } = r.conversations?.get ?? { unreadCount: 0 };
      Object.assign(store.conversationOf(id), known);
      render();
    }, (e) => { if (!(e instanceof ApiFailure && e.code === "conversation_not_found")) report(e); });
  }

  const actions: Actions = {
    open: (id) => {
      state.open = id;
      store.conversationOf(id);
      composer.hidden = false;
      render();
      refreshConversation(id);
      if (!store.historyOf(id).loaded) void loadHistory(id).then(() => {
        messages.scrollTop = messages.scrollHeight;
        render();
      }, report);
      composerInput.focus();
    },
    favorite: (id, favorite) => void api.request(ops.SetFavorite, { with: id, favorite }).then((r) => {
      if (r.conversations?.setFavorite) store.conversationOf(id).isFavorite = r.conversations.setFavorite.isFavorite;
      render();
    }, report),
    edit: (m) => {
      const body = prompt("Correct the message", m.body ?? "");
      if (body === null || body === m.body) return;
      void api.request(ops.EditMessage, { with: m.conversation, id: m.id, body }).then((r) => {
        const edited = r.chat?.editMessage;
        if (edited) store.updateMessage(m.conversation, m.id, () => edited);
        render();
      }, report);
    },
    retract: (m) => void api.request(ops.RetractMessage, { with: m.conversation, id: m.id }).then(() => {
      store.updateMessage(m.conversation, m.id, (old) => ({ ...old, retracted: true, body: null }));
      render();
    }, report),
    react: (m, emoji) => {
      const mine = m.reactions.some((r) => r.emoji === emoji && r.by.some((jid) => bareOf(jid) === state.me));
      void api.request(ops.React, { with: m.conversation, id: m.id, emojis: mine ? [] : [emoji] }).catch(report);
    },
    answer: (jid, accept) => void (async () => {
      await api.request(ops.AnswerRequest, { jid, action: accept ? "ACCEPT" : "DECLINE" });
      // Accepting also asks for the other direction, so both see each other's presence.
      if (accept && !["TO", "BOTH"].includes(state.contacts.get(jid)?.subscription ?? "")) await api.request(ops.AnswerRequest, { jid, action: "INVITE" });
      state.requests.delete(jid);
    })().then(render, report),
    setSubject: (room) => {
      const subject = prompt("New subject", state.conversations.get(room)?.subject ?? "");
      if (subject === null) return;
      void api.request(ops.SetRoomSubject, { room, subject }).then((r) => {
        const updated = r.conversations?.setRoomData;
        if (updated) Object.assign(store.conversationOf(room), updated);
        render();
      }, report);
    },
  };

  // Older history when the reader scrolls to the top.
  messages.addEventListener("scroll", () => {
    const id = state.open;
    const history = id && state.histories.get(id);
    if (!id || !history || !history.loaded || !history.hasBefore || messages.scrollTop > 40 || history.startCursor === undefined) return;
    const before = history.startCursor;
    history.startCursor = undefined; // one page at a time
    void loadHistory(id, before).then(render, (e) => { history.startCursor = before; report(e); });
  });

  // The composer: typing notifications while typing, Enter sends.
  const composer = $<HTMLFormElement>("#composer");
  const composerInput = composer.elements.namedItem("body") as HTMLInputElement;
  let composing: string | undefined;
  let pause: ReturnType<typeof setTimeout> | undefined;
  const chatState = (to: string, s: "COMPOSING" | "PAUSED" | "ACTIVE") => api.request(ops.SendChatState, { to, state: s }).catch(report);
  composerInput.addEventListener("input", () => {
    const to = state.open;
    if (!to) return;
    if (composing !== to && composerInput.value) void chatState((composing = to), "COMPOSING");
    clearTimeout(pause);
    pause = setTimeout(() => {
      if (composing) void chatState(composing, "PAUSED");
      composing = undefined;
    }, PAUSE_MS);
  });
  composer.addEventListener("submit", (e) => {
    e.preventDefault();
    const to = state.open;
    const body = composerInput.value;
    if (!to || !body.trim()) return;
    composerInput.value = "";
    clearTimeout(pause);
    composing = undefined;
    const room = state.conversations.get(to)?.kind === "ROOM";
    void (async () => {
      if (room) await api.request(ops.SendGroupMessage, { room: to, body });
      else await api.request(ops.SendMessage, { to, body });
      if (!room) void chatState(to, "ACTIVE");
      await catchUp(to);
    })().then(render, report);
  });

  // Starting a chat with one or more people.
  $<HTMLFormElement>("#new-chat").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const field = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const invitees = field("invitees").split(/[\s,]+/).filter(Boolean);
    void api.request(ops.StartChat, { invitees, message: field("message"), subject: field("subject") || null }).then((r) => {
      const c = r.chat?.startChat;
      if (!c) return;
      Object.assign(store.conversationOf(c.id), c);
      form.reset();
      actions.open(c.id);
    }, report);
  });

  $<HTMLFormElement>("#add-contact").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).elements.namedItem("jid") as HTMLInputElement;
    void api.request(ops.AddContact, { jid: input.value.trim() }).then(() => { input.value = ""; }, report);
  });

  $<HTMLFormElement>("#presence").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const show = (form.elements.namedItem("show") as HTMLSelectElement).value as "ONLINE";
    const text = (form.elements.namedItem("status") as HTMLInputElement).value.trim() || null;
    void api.request(ops.SetPresence, { show, status: text }).catch(report);
  });

  // The stream first, then the reads: whatever happens in between arrives on the stream,
  // and the store shows each message once.
  stopStream = api.stream(ops.Events, {
    cursor: () => state.cursor,
    next: (data) => {
      const event = data.events?.stream;
      if (!event) return;
      if (event.__typename === "ResyncEvent") void resync().then(render, report);
      const known = new Set(state.conversations.keys());
      const reread = store.apply(event);
      // A conversation that arrived live (a new chat, an invitation): what is it called?
      for (const id of state.conversations.keys()) if (!known.has(id)) refreshConversation(id);
      if (reread) void reloadNewest(reread).then(render, report);
      render();
    },
    error: report,
    status: (connection) => {
      const back = connection === "live" && state.connection === "reconnecting";
      state.connection = connection;
      // Room messages carry no cursor of the user's archive, so the stream cannot replay
      // them after a gap: read the rooms the page shows again, and the list.
      if (back) void catchUpRooms().then(render, report);
      render();
    },
  });

  async function catchUpRooms() {
    await loadConversations();
    for (const [id, history] of state.histories) {
      if (history.loaded && state.conversations.get(id)?.kind === "ROOM") await catchUp(id);
    }
  }

  async function resync() {
    await loadConversations();
    if (state.open) await catchUp(state.open);
  }

  async function loadConversations() {
    try {
      const page = (await api.request(ops.Conversations, {})).conversations?.list;
      for (const c of page?.items ?? []) Object.assign(store.conversationOf(c.id), c);
      state.listError = undefined;
    } catch (error) {
      // Never a made-up list: say why there is none; live messages still add their conversations.
      state.listError = error instanceof ApiFailure ? `${error.message} (${error.code})` : String(error);
    }
  }

  async function loadContacts() {
    const { roster, presence } = await api.request(ops.Contacts, {});
    for (const c of roster?.listContacts ?? []) {
      state.contacts.set(c.jid, { show: "OFFLINE", ...state.contacts.get(c.jid), ...c });
      if (c.ask === "IN") state.requests.add(c.jid);
    }
    for (const p of presence?.contacts ?? []) {
      const c = state.contacts.get(p.jid);
      if (c) state.contacts.set(p.jid, { ...c, show: p.show, status: p.status });
    }
  }

  void Promise.all([loadConversations(), loadContacts().catch(report)]).then(render, report);
}

/** A message the conversation shows: one with a body, or a retracted one. */
function shown(m: Message): boolean {
  return m.body != null || m.retracted;
}

// A notice that outlives the reload after a refused login (never a credential).
const NOTICE = "web-chat-notice";
showLogin(sessionStorage.getItem(NOTICE) ?? undefined);
sessionStorage.removeItem(NOTICE);
