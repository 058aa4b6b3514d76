import { afterAll, describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { basicAuth, startGateway } from "../support/gateway.js";
import { subscribeWs, untilLive, type Subscriber } from "../support/subscribers.js";
import { useGateway } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// conversations.list / get / markDisplayed / setFavorite (issue 16 items 1, 3, 4): three
// users — alice through the gateway (and a raw client of hers), bob and carol raw clients —
// two chats and one room.

const ITEM = `id kind name subject unreadCount lastReadId isFavorite lastActivity lastMessage { id body outgoing from }`;
const LIST = `query($since: DateTime, $first: PosInt, $after: String) {
  conversations { list(modifiedSince: $since, first: $first, after: $after) { items { ${ITEM} } endCursor hasMore modifiedBefore } }
}`;
const GET = `query($id: BareJID!) { conversations { get(id: $id) { ${ITEM} } } }`;
const MARK = `mutation($with: BareJID!, $upTo: String!) { conversations { markDisplayed(with: $with, upTo: $upTo) { ${ITEM} } } }`;
const FAVORITE = `mutation($with: BareJID!, $favorite: Boolean!) { conversations { setFavorite(with: $with, favorite: $favorite) { ${ITEM} } } }`;
const HISTORY = `query($with: BareJID!) { conversations { messages(with: $with) { items { id body } } } }`;

const PING = () => xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" }));
const NS_PUBSUB = "http://jabber.org/protocol/pubsub";

const gw = useGateway();
const subs: Subscriber[] = [];
// Registered after useGateway's: vitest runs afterAll hooks in reverse, so streams end first.
afterAll(async () => {
  await Promise.all(subs.map((s) => s.stop()));
});

const STREAM = `subscription { events { stream(types: [MESSAGE, DISPLAYED]) {
  __typename ... on MessageEvent { message { body } } ... on DisplayedEvent { from conversation upTo }
} } }`;
const streamEvent = (e: any) => e?.data?.events?.stream;

async function list(user: SandboxUser, variables: Record<string, unknown> = {}, gateway: { gql: typeof gw.gql } = gw) {
  const r = await gateway.gql(LIST, variables, user);
  expect(r.body.errors).toBeUndefined();
  return r.body.data.conversations.list;
}

async function call(user: SandboxUser, document: string, variables: Record<string, unknown>) {
  const r = await gw.gql(document, variables, user);
  const data = r.body.data?.conversations;
  return { value: data ? Object.values(data)[0] as any : null, code: r.body.errors?.[0]?.extensions?.code, message: r.body.errors?.[0]?.message };
}

/** Sends a chat message from `from` to `to`'s raw client and returns once it arrived there (archived on arrival). */
async function say(from: RawClient, to: RawClient, body: string): Promise<void> {
  const arrived = to.waitFor((s) => s.is("message") && s.getChildText("body") === body);
  await from.send(xml("message", { to: to.jid.split("/")[0], type: "chat", id: `id-${body}` }, xml("body", {}, body)));
  await arrived;
}

/** Resolves once the wall clock has entered a new second: archives stamp to the second. */
async function nextSecond(): Promise<void> {
  const second = Math.floor(Date.now() / 1000);
  await new Promise<void>((resolve) => {
    const tick = () => (Math.floor(Date.now() / 1000) > second ? resolve() : setTimeout(tick, 20));
    tick();
  });
}

/** The message ids of the conversation with `peer`, oldest first, by body. */
async function ids(user: SandboxUser, peer: string): Promise<Record<string, string>> {
  const r = await gw.gql(HISTORY, { with: peer }, user);
  return Object.fromEntries(r.body.data.conversations.messages.items.map((m: any) => [m.body, m.id]));
}

const byId = (items: any[]) => Object.fromEntries(items.map((i) => [i.id, i]));

describe("conversations.list", () => {
  it("lists chats and rooms newest first with unread counts; read positions, favourites, modifiedSince, paging, restart", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3, "convlist");
    const aliceC = await gw.connect(alice!, { resource: "phone" });
    const bobC = await gw.connect(bob!);
    const carolC = await gw.connect(carol!);
    const room = `convlist-${Date.now().toString(36)}@${gw.sandbox.mucDomain}`;

    // An empty list, before anything happened.
    const empty = await list(alice!);
    expect(empty).toMatchObject({ items: [], endCursor: null, hasMore: false });

    // The room: alice creates it through the gateway, bob joins and speaks.
    const created = await gw.gql(`mutation { muc { createInstantRoom(room: "${room}", nick: "ali") { jid } } }`, {}, alice);
    expect(created.body.errors).toBeUndefined();
    const joined = bobC.waitFor((s) => s.is("presence") && s.attrs.from === `${room}/bob`);
    await bobC.send(xml("presence", { to: `${room}/bob` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await joined;
    const echoed = bobC.waitFor((s) => s.is("message") && s.getChildText("body") === "room hello");
    await bobC.send(xml("message", { to: room, type: "groupchat" }, xml("body", {}, "room hello")));
    await echoed;
    await bobC.iq(PING());

    await say(carolC, aliceC, "c1");
    await say(aliceC, carolC, "a-to-c");
    await say(bobC, aliceC, "b1");
    await nextSecond();
    await say(bobC, aliceC, "b2");

    const first = await list(alice!);
    expect(first.items.map((i: any) => i.id)[0]).toBe(bob!.jid);
    expect(new Set(first.items.map((i: any) => i.id))).toEqual(new Set([bob!.jid, carol!.jid, room]));
    const conversations = byId(first.items);
    expect(conversations[bob!.jid]).toMatchObject({ kind: "ONE_TO_ONE", unreadCount: 2, lastReadId: null, isFavorite: false, lastMessage: { body: "b2", outgoing: false } });
    expect(conversations[carol!.jid]).toMatchObject({ kind: "ONE_TO_ONE", unreadCount: 1, lastMessage: { body: "a-to-c", outgoing: true } });
    expect(conversations[room]).toMatchObject({ kind: "ROOM", unreadCount: 1, lastMessage: { body: "room hello", outgoing: false, from: `${room}/bob` } });
    // Newest activity first, ties by id.
    const order = [...first.items].sort((a: any, b: any) => Date.parse(b.lastActivity) - Date.parse(a.lastActivity) || (a.id < b.id ? -1 : 1));
    expect(first.items.map((i: any) => i.id)).toEqual(order.map((i: any) => i.id));
    expect((await call(alice!, GET, { id: bob!.jid })).value).toEqual(conversations[bob!.jid]);

    // markDisplayed: the marker reaches bob pointing at his own message id; the count drops.
    const bobIds = await ids(alice!, bob!.jid);
    const marker = bobC.waitFor((s) => s.is("message") && s.getChild("displayed", "urn:xmpp:chat-markers:0")?.attrs.id === "id-b1");
    const readB1 = await call(alice!, MARK, { with: bob!.jid, upTo: bobIds["b1"] });
    expect([readB1.code, readB1.message]).toEqual([undefined, undefined]);
    expect(readB1.value).toMatchObject({ id: bob!.jid, unreadCount: 1, lastReadId: bobIds["b1"] });
    await marker;
    expect((await call(alice!, MARK, { with: bob!.jid, upTo: bobIds["b2"] })).value).toMatchObject({ unreadCount: 0, lastReadId: bobIds["b2"] });
    // The position is in PEP (XEP-0490), where alice's other clients read it.
    const mds = await aliceC.iq(xml("iq", { type: "get" }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node: "urn:xmpp:mds:displayed:0" }))));
    const item = mds.getChild("pubsub", NS_PUBSUB)!.getChild("items")!.getChildren("item").find((i: Element) => i.attrs.id === bob!.jid);
    expect(item?.getChild("displayed")?.getChild("stanza-id")?.attrs).toMatchObject({ id: bobIds["b2"], by: alice!.jid });

    // A read position published by another client of alice (XEP-0490) is honoured.
    const carolIds = await ids(alice!, carol!.jid);
    const published = await aliceC.iq(xml("iq", { type: "set" }, xml("pubsub", { xmlns: NS_PUBSUB },
      xml("publish", { node: "urn:xmpp:mds:displayed:0" }, xml("item", { id: carol!.jid },
        xml("displayed", { xmlns: "urn:xmpp:mds:displayed:0" }, xml("stanza-id", { xmlns: "urn:xmpp:sid:0", id: carolIds["c1"], by: alice!.jid })))))));
    expect(published.attrs.type).toBe("result");
    const afterPublish = await list(alice!);
    expect(byId(afterPublish.items)[carol!.jid]).toMatchObject({ unreadCount: 0, lastReadId: carolIds["c1"] });

    // modifiedSince: exactly the conversations that changed after the watermark. DateTime
    // goes out to the second: changes of the watermark's own second may come twice.
    await nextSecond();
    const watermark = (await list(alice!)).modifiedBefore;
    expect((await list(alice!, { since: watermark })).items).toEqual([]);
    await say(bobC, aliceC, "b3");
    const changed = await list(alice!, { since: watermark });
    expect(changed.items.map((i: any) => [i.id, i.unreadCount, i.lastMessage.body])).toEqual([[bob!.jid, 1, "b3"]]);

    // Favourites: a chat in the index, a room in its bookmark (kept when unmarked).
    await nextSecond();
    const watermark2 = (await list(alice!)).modifiedBefore;
    expect((await call(alice!, FAVORITE, { with: carol!.jid, favorite: true })).value).toMatchObject({ id: carol!.jid, isFavorite: true });
    expect((await call(alice!, FAVORITE, { with: room, favorite: true })).value).toMatchObject({ id: room, isFavorite: true });
    const favourites = await list(alice!, { since: watermark2 });
    expect(new Set(favourites.items.map((i: any) => i.id))).toEqual(new Set([carol!.jid, room]));
    expect(favourites.items.every((i: any) => i.isFavorite)).toBe(true);
    const bookmarks = async () => (await aliceC.iq(xml("iq", { type: "get" }, xml("pubsub", { xmlns: NS_PUBSUB }, xml("items", { node: "urn:xmpp:bookmarks:1" })))))
      .getChild("pubsub", NS_PUBSUB)!.getChild("items")!.getChildren("item").find((i: Element) => i.attrs.id === room);
    expect((await bookmarks())?.getChild("conference")?.getChild("extensions")?.getChild("favorite", "urn:xmpp-graphql:conversations:0")).toBeDefined();
    expect((await call(alice!, FAVORITE, { with: room, favorite: false })).value).toMatchObject({ isFavorite: false });
    const kept = await bookmarks();
    expect(kept?.getChild("conference")).toBeDefined();
    expect(kept?.getChild("conference")?.getChild("extensions")?.getChild("favorite", "urn:xmpp-graphql:conversations:0")).toBeUndefined();

    // Paging: each conversation exactly once.
    const pageOne = await list(alice!, { first: 2 });
    expect(pageOne.items).toHaveLength(2);
    expect(pageOne.hasMore).toBe(true);
    const pageTwo = await list(alice!, { first: 2, after: pageOne.endCursor });
    expect(pageTwo.hasMore).toBe(false);
    const all = [...pageOne.items, ...pageTwo.items];
    const now = await list(alice!);
    expect(all).toEqual(now.items);

    // Another gateway on the same server (a restart, or a second instance) lists the same.
    const second = await startGateway({}, gw.sandbox);
    try {
      expect((await list(alice!, {}, second)).items).toEqual(now.items);
    } finally {
      await second.stop();
    }
  });

  it("refuses an unknown conversation, an unknown message, a page over 100 and a foreign cursor", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "convlist-bad");
    expect((await call(alice!, GET, { id: bob!.jid })).code).toBe("conversation_not_found");
    const aliceC = await gw.connect(alice!);
    const bobC = await gw.connect(bob!);
    await say(bobC, aliceC, "hello");
    expect((await call(alice!, GET, { id: bob!.jid })).value).toMatchObject({ id: bob!.jid, unreadCount: 1 });
    expect((await call(alice!, MARK, { with: bob!.jid, upTo: "no-such-id" })).code).toBe("message_not_found");
    expect((await call(alice!, FAVORITE, { with: `nobody@${gw.sandbox.domain}`, favorite: true })).code).toBe("conversation_not_found");
    const big = await gw.gql(LIST, { first: 101 }, alice);
    expect(big.body.errors?.[0]?.extensions).toMatchObject({ code: "invalid_input", field: "first" });
    const foreign = await gw.gql(LIST, { after: "not-a-cursor" }, alice);
    expect(foreign.body.errors?.[0]?.extensions).toMatchObject({ code: "invalid_input", field: "after" });
  });

  it("the user's streams get a DisplayedEvent for a read position set through the gateway or by another client (XEP-0490)", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "convlist-ev");
    const aliceC = await gw.connect(alice!, { resource: "phone" });
    const bobC = await gw.connect(bob!);
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(alice!) }, STREAM);
    subs.push(sub);
    await untilLive(sub, (body) => say(bobC, aliceC, body), (e) => streamEvent(e)?.message?.body);
    await say(bobC, aliceC, "read me");
    const bobIds = await ids(alice!, bob!.jid);
    expect((await call(alice!, MARK, { with: bob!.jid, upTo: bobIds["read me"] })).value).toMatchObject({ lastReadId: bobIds["read me"] });
    const own = streamEvent(await sub.waitFor((e) => streamEvent(e)?.__typename === "DisplayedEvent" && streamEvent(e).upTo === bobIds["read me"]));
    expect(own).toMatchObject({ from: alice!.jid, conversation: bob!.jid });
    // Another client of alice moves the position back to the first probe.
    const first = Object.entries(bobIds).find(([body]) => body.startsWith("probe"))![1];
    await aliceC.iq(xml("iq", { type: "set" }, xml("pubsub", { xmlns: NS_PUBSUB },
      xml("publish", { node: "urn:xmpp:mds:displayed:0" }, xml("item", { id: bob!.jid },
        xml("displayed", { xmlns: "urn:xmpp:mds:displayed:0" }, xml("stanza-id", { xmlns: "urn:xmpp:sid:0", id: first, by: alice!.jid })))))));
    const other = streamEvent(await sub.waitFor((e) => streamEvent(e)?.__typename === "DisplayedEvent" && streamEvent(e).upTo === first));
    expect(other).toMatchObject({ from: alice!.jid, conversation: bob!.jid });
    expect((await call(alice!, GET, { id: bob!.jid })).value).toMatchObject({ lastReadId: first, unreadCount: Object.keys(bobIds).length - 1 });
  });

  it("with CONVERSATIONS_FRESHNESS_MS, lists answer from the last refresh within that time, with its watermark; changes refresh", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "convlist-fresh");
    const aliceC = await gw.connect(alice!);
    const bobC = await gw.connect(bob!);
    await say(bobC, aliceC, "one");
    const cached = await startGateway({ CONVERSATIONS_FRESHNESS_MS: "60000" }, gw.sandbox);
    try {
      const first = await list(alice!, {}, cached);
      expect(first.items.map((i: any) => [i.id, i.unreadCount])).toEqual([[bob!.jid, 1]]);
      await say(bobC, aliceC, "two");
      const again = await list(alice!, {}, cached);
      expect(again.items.map((i: any) => i.unreadCount)).toEqual([1]);
      expect(again.modifiedBefore).toBe(first.modifiedBefore);
      // A change through the gateway reads the archives again.
      const r = await cached.gql(FAVORITE, { with: bob!.jid, favorite: true }, alice);
      expect(r.body.data.conversations.setFavorite).toMatchObject({ unreadCount: 2, isFavorite: true, lastMessage: { body: "two" } });
    } finally {
      await cached.stop();
    }
  });
});
