import { afterAll, describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { basicAuth, SERVER } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import { subscribeWs, untilLive, type Subscriber } from "../support/subscribers.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// conversations.messages (issue 16 item 2) and chat.editMessage / retractMessage / react
// (item 7): paging by archive ids, and the changes seen live and folded into history.

const PAGE = `query Page($with: BareJID!, $before: String, $after: String, $first: PosInt) {
  conversations { messages(with: $with, before: $before, after: $after, first: $first) {
    items { id conversation from body outgoing edited retracted reactions { emoji count by } }
    startCursor endCursor hasBefore hasAfter
  } }
}`;
const STREAM = `subscription {
  events { stream(types: [MESSAGE, EDIT, RETRACT, REACTION]) {
    __typename cursor
    ... on MessageEvent { message { id body } }
    ... on EditEvent { conversation id message { id body edited } }
    ... on RetractEvent { conversation id from }
    ... on ReactionEvent { conversation id from emojis }
  } }
}`;
const EDIT = `mutation($with: BareJID!, $id: String!, $body: String!) { chat { editMessage(with: $with, id: $id, body: $body) { id body edited } } }`;
const RETRACT = `mutation($with: BareJID!, $id: String!) { chat { retractMessage(with: $with, id: $id) } }`;
const REACT = `mutation($with: BareJID!, $id: String!, $emojis: [String!]!) { chat { react(with: $with, id: $id, emojis: $emojis) } }`;

const PING = () => xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" }));
const chat = (to: string, body: string, id: string) => xml("message", { to, type: "chat", id }, xml("body", {}, body));
const event = (e: any) => e?.data?.events?.stream;

const gw = useGateway();
const subs: Subscriber[] = [];
afterAll(async () => {
  await Promise.all(subs.map((s) => s.stop()));
});

async function page(user: SandboxUser, variables: Record<string, unknown>) {
  const r = await gw.gql(PAGE, variables, user);
  expect(r.body.errors).toBeUndefined();
  return r.body.data.conversations.messages;
}

async function mutate(user: SandboxUser, document: string, variables: Record<string, unknown>) {
  const r = await gw.gql(document, variables, user);
  return { data: r.body.data?.chat, code: r.body.errors?.[0]?.extensions?.code };
}

/**
 * Sends `count` numbered messages alternately from `a` and `b`, each once the previous one
 * arrived: two connections' stanzas are otherwise archived in whatever order the server
 * reads its sockets.
 */
async function converse(a: RawClient, b: RawClient, count: number): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const [from, to] = i % 2 === 0 ? [a, b] : [b, a];
    const body = `m-${String(i).padStart(3, "0")}`;
    const arrived = to.waitFor((s) => s.is("message") && s.getChildText("body") === body);
    await from.send(chat(to.jid.split("/")[0]!, body, `id-${body}`));
    await arrived;
    bodies.push(body);
  }
  await Promise.all([a.iq(PING()), b.iq(PING())]);
  return bodies;
}

describe("conversations.messages", () => {
  it("pages over 120 messages by archive ids: each exactly once, in order, backward and forward", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "hist-page");
    const aliceClient = await gw.connect(alice!);
    const bobClient = await gw.connect(bob!);
    const sent = await converse(aliceClient, bobClient, 120);

    const backward: any[] = [];
    let before: string | null = null;
    for (let i = 0; i < 10; i++) {
      const p = await page(alice!, { with: bob!.jid, before, first: 50 });
      backward.unshift(...p.items);
      expect(p.hasAfter).toBe(before !== null);
      if (!p.hasBefore) break;
      before = p.startCursor;
    }
    expect(backward.map((m) => m.body)).toEqual(sent);
    expect(new Set(backward.map((m) => m.id)).size).toBe(120);
    expect(backward.filter((m) => m.outgoing).map((m) => m.body)).toEqual(sent.filter((_, i) => i % 2 === 0));
    expect(backward[0]).toMatchObject({ conversation: bob!.jid, edited: false, retracted: false, reactions: [] });

    const forward: any[] = [backward[0]];
    let after: string = backward[0].id;
    for (let i = 0; i < 10; i++) {
      const p = await page(alice!, { with: bob!.jid, after, first: 35 });
      forward.push(...p.items);
      expect(p.hasBefore).toBe(true);
      if (!p.hasAfter) break;
      after = p.endCursor;
    }
    expect(forward.map((m) => m.id)).toEqual(backward.map((m) => m.id));
  });

  it("refuses pages over 100, both cursors at once, and a cursor the archive does not know", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "hist-bad");
    const tooBig = await gw.gql(PAGE, { with: bob!.jid, first: 101 }, alice);
    expect(tooBig.body.errors?.[0]?.extensions).toMatchObject({ code: "invalid_input", field: "first" });
    const both = await gw.gql(PAGE, { with: bob!.jid, before: "a", after: "b" }, alice);
    expect(both.body.errors?.[0]?.extensions).toMatchObject({ code: "invalid_input" });
    const unknown = await gw.gql(PAGE, { with: bob!.jid, before: "no-such-id" }, alice);
    // Prosody refuses a paging cursor it does not know (XEP-0059 §2.6); ejabberd pages from nowhere.
    if (SERVER === "prosody") expect(unknown.body.errors?.[0]?.extensions).toMatchObject({ code: "message_not_found" });
    else expect(unknown.body.data.conversations.messages).toMatchObject({ items: [], startCursor: null });
    const empty = await page(alice!, { with: bob!.jid });
    expect(empty).toEqual({ items: [], startCursor: null, endCursor: null, hasBefore: false, hasAfter: false });
  });
});

describe("chat.editMessage / retractMessage / react", () => {
  it("are seen live by the peer's client and stream, archived on both sides, and folded into history", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3, "hist-edit");
    const aliceClient = await gw.connect(alice!);
    const bobClient = await gw.connect(bob!);
    const carolClient = await gw.connect(carol!);
    const bobStream = await subscribeWs(gw.url, { Authorization: basicAuth(bob!) }, STREAM);
    subs.push(bobStream);
    // Probes from a third user, so that the conversation under test holds only its own messages.
    await untilLive(bobStream, (b) => carolClient.send(chat(bob!.jid, b, b)), (e) => event(e)?.message?.body);
    await converse(aliceClient, bobClient, 4); // m-000, m-002 from alice; m-001, m-003 from bob
    const before = await page(alice!, { with: bob!.jid });
    const id = (body: string) => before.items.find((m: any) => m.body === body).id as string;

    const edited = await mutate(alice!, EDIT, { with: bob!.jid, id: id("m-000"), body: "m-000 fixed" });
    expect(edited).toEqual({ data: { editMessage: { id: id("m-000"), body: "m-000 fixed", edited: true } }, code: undefined });
    expect(await mutate(alice!, RETRACT, { with: bob!.jid, id: id("m-002") })).toEqual({ data: { retractMessage: true }, code: undefined });
    expect(await mutate(alice!, REACT, { with: bob!.jid, id: id("m-001"), emojis: ["👍", "🎉"] })).toEqual({ data: { react: true }, code: undefined });

    // Live at the peer: the raw client gets the XEPs' stanzas naming the message's own id …
    const is = (ns: string, child: string) => (s: Element) => s.is("message") && s.getChild(child, ns) !== undefined;
    const correction = await bobClient.waitFor(is("urn:xmpp:message-correct:0", "replace"));
    expect(correction.getChild("replace")!.attrs.id).toBe("id-m-000");
    expect(correction.getChildText("body")).toBe("m-000 fixed");
    expect((await bobClient.waitFor(is("urn:xmpp:message-retract:1", "retract"))).getChild("retract")!.attrs.id).toBe("id-m-002");
    const reactions = await bobClient.waitFor(is("urn:xmpp:reactions:0", "reactions"));
    expect(reactions.getChild("reactions")!.attrs.id).toBe("id-m-001");
    // … and the stream the events, naming each message by the `Message.id` it delivered it with.
    const seen = (body: string) => event(bobStream.events.find((e) => event(e)?.message?.body === body)).message.id as string;
    const editEvent = event(await bobStream.waitFor((e) => event(e)?.__typename === "EditEvent"));
    expect(editEvent).toMatchObject({ conversation: alice!.jid, id: seen("m-000"), message: { id: seen("m-000"), body: "m-000 fixed", edited: true } });
    expect(event(await bobStream.waitFor((e) => event(e)?.__typename === "RetractEvent"))).toMatchObject({ conversation: alice!.jid, id: seen("m-002") });
    expect(event(await bobStream.waitFor((e) => event(e)?.__typename === "ReactionEvent"))).toMatchObject({ conversation: alice!.jid, id: seen("m-001"), emojis: ["👍", "🎉"] });

    // Bob changes his mind: his latest set of reactions replaces the earlier one.
    const bobView = await page(bob!, { with: alice!.jid });
    const bobId = (body: string) => bobView.items.find((m: any) => m.body === body).id as string;
    expect(bobId("m-001")).toBe(seen("m-001"));
    expect(await mutate(bob!, REACT, { with: alice!.jid, id: bobId("m-001"), emojis: ["🎉"] })).toEqual({ data: { react: true }, code: undefined });
    expect(await mutate(bob!, REACT, { with: alice!.jid, id: bobId("m-000 fixed"), emojis: ["😀"] })).toEqual({ data: { react: true }, code: undefined });
    expect(await mutate(bob!, REACT, { with: alice!.jid, id: bobId("m-000 fixed"), emojis: ["👀"] })).toEqual({ data: { react: true }, code: undefined });
    // Archived on Alice's side once delivered to her (ejabberd archives in the receiver's session).
    await aliceClient.waitFor((s) => s.getChild("reactions", "urn:xmpp:reactions:0")?.getChildText("reaction") === "👀");

    // Folded into both archives: the changes are not messages of the page.
    for (const [user, peer] of [[alice!, bob!], [bob!, alice!]] as const) {
      const after = await page(user, { with: peer.jid });
      expect(after.items.map((m: any) => [m.body, m.edited, m.retracted])).toEqual([
        ["m-000 fixed", true, false],
        ["m-001", false, false],
        [expect.stringContaining("retract"), false, true],
        ["m-003", false, false],
      ]);
      expect(after.items[0].reactions).toEqual([{ emoji: "👀", count: 1, by: [bob!.jid] }]);
      expect(after.items[1].reactions).toEqual([
        { emoji: "👍", count: 1, by: [alice!.jid] },
        { emoji: "🎉", count: 2, by: [alice!.jid, bob!.jid] },
      ]);
      if (user === alice) expect(after.items.map((m: any) => m.id)).toEqual(before.items.map((m: any) => m.id));
    }
  });

  it("refuses someone else's message for edits and retractions, and an unknown id", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "hist-deny");
    const aliceClient = await gw.connect(alice!);
    const bobClient = await gw.connect(bob!);
    await converse(bobClient, aliceClient, 1); // m-000 from bob
    const [theirs] = (await page(alice!, { with: bob!.jid })).items;
    expect((await mutate(alice!, EDIT, { with: bob!.jid, id: theirs.id, body: "mine now" })).code).toBe("message_not_found");
    expect((await mutate(alice!, RETRACT, { with: bob!.jid, id: theirs.id })).code).toBe("message_not_found");
    expect((await mutate(alice!, REACT, { with: bob!.jid, id: "no-such-id", emojis: ["👍"] })).code).toBe("message_not_found");
    expect((await mutate(alice!, EDIT, { with: bob!.jid, id: "no-such-id", body: "x" })).code).toBe("message_not_found");
    // Reacting to someone else's message is allowed (XEP-0444).
    expect((await mutate(alice!, REACT, { with: bob!.jid, id: theirs.id, emojis: ["👍"] })).data).toEqual({ react: true });
  });
});

describe("a room's history", () => {
  it("reads the room's archive; corrections and reactions name the room's stanza-id and are folded in", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "hist-room");
    const room = `hist-${Date.now().toString(36)}@${gw.sandbox.mucDomain}`;
    const created = await gw.gql(`mutation { muc { createInstantRoom(room: "${room}", nick: "ali") { jid } } }`, {}, alice);
    expect(created.body.errors).toBeUndefined();
    const bobClient = await gw.connect(bob!);
    const joined = bobClient.waitFor((s) => s.is("presence") && s.attrs.from === `${room}/bob`);
    await bobClient.send(xml("presence", { to: `${room}/bob` }, xml("x", { xmlns: "http://jabber.org/protocol/muc" })));
    await joined;
    const post = async (body: string) => {
      const reflected = bobClient.waitFor((s) => s.is("message") && s.getChildText("body") === body);
      await bobClient.send(xml("message", { to: room, type: "groupchat" }, xml("body", {}, body)));
      return reflected;
    };
    await post("from bob");
    const sent = await gw.gql(`mutation { muc { sendMessageToRoom(room: "${room}", body: "from ali") } }`, {}, alice);
    expect(sent.body.errors).toBeUndefined();
    const aliceLine = await bobClient.waitFor((s) => s.is("message") && s.getChildText("body") === "from ali");

    const before = await page(alice!, { with: room });
    expect(before.items.map((m: any) => [m.body, m.outgoing, m.from])).toEqual([["from bob", false, `${room}/bob`], ["from ali", true, `${room}/ali`]]);
    const [bobs, alis] = before.items;
    // The room's stanza-id is the room archive's id: what XEP-0444 §3.1 names in a room.
    const roomStanzaId = aliceLine.getChildren("stanza-id", "urn:xmpp:sid:0").find((x) => x.attrs.by === room)?.attrs.id;
    expect(alis.id).toBe(roomStanzaId);

    expect((await mutate(alice!, EDIT, { with: room, id: alis.id, body: "from ali, fixed" })).data).toEqual({ editMessage: { id: alis.id, body: "from ali, fixed", edited: true } });
    expect((await mutate(alice!, REACT, { with: room, id: bobs.id, emojis: ["👍"] })).data).toEqual({ react: true });
    expect((await mutate(alice!, EDIT, { with: room, id: bobs.id, body: "not mine" })).code).toBe("message_not_found");
    const correction = await bobClient.waitFor((s) => s.getChild("replace", "urn:xmpp:message-correct:0") !== undefined);
    expect(correction.getChild("replace")!.attrs.id).toBe(alis.id);
    const reaction = await bobClient.waitFor((s) => s.getChild("reactions", "urn:xmpp:reactions:0") !== undefined);
    expect(reaction.getChild("reactions")!.attrs.id).toBe(bobs.id);

    const after = await page(alice!, { with: room });
    expect(after.items.map((m: any) => [m.id, m.body, m.edited])).toEqual([[bobs.id, "from bob", false], [alis.id, "from ali, fixed", true]]);
    expect(after.items[0].reactions).toEqual([{ emoji: "👍", count: 1, by: [`${room}/ali`] }]);
  });
});
