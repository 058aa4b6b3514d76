import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { useGateway } from "../support/use-gateway.js";

const LIST = "{ blocking { list } }";
const BLOCK = "mutation($j: [JID!]!) { blocking { block(jids: $j) } }";
const UNBLOCK = "mutation($j: [JID!]) { blocking { unblock(jids: $j) } }";
const chat = (to: string, body: string) => xml("message", { to, type: "chat" }, xml("body", {}, body));
const hasBody = (body: string) => (s: Element) => s.is("message") && s.getChildText("body") === body;

const gw = useGateway();

describe("blocking (XEP-0191)", () => {
  it("block, list and unblock users, full JIDs and domains; null unblocks everything", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "block-list");
    expect((await gw.gql(LIST, {}, alice)).body.data).toEqual({ blocking: { list: [] } });
    const blocked = await gw.gql(BLOCK, { j: [bob!.jid, "Carol@Localhost/Phone"] }, alice);
    expect(blocked.body.errors, JSON.stringify(blocked.body.errors)).toBeUndefined();
    expect([...blocked.body.data.blocking.block].sort()).toEqual([bob!.jid, "carol@localhost/Phone"].sort());
    // A JID needs a local part (MongooseIM's scalar): domains have operations of their own.
    const domains = await gw.gql("mutation($d: [DomainName!]!) { blocking { blockDomains(domains: $d) } }", { d: ["spam.example"] }, alice);
    expect([...domains.body.data.blocking.blockDomains].sort()).toEqual([bob!.jid, "carol@localhost/Phone", "spam.example"].sort());
    const afterOne = await gw.gql("mutation($d: [DomainName!]!) { blocking { unblockDomains(domains: $d) } }", { d: ["spam.example"] }, alice);
    expect([...afterOne.body.data.blocking.unblockDomains].sort()).toEqual([bob!.jid, "carol@localhost/Phone"].sort());
    const afterUser = await gw.gql(UNBLOCK, { j: ["carol@localhost/Phone"] }, alice);
    expect(afterUser.body.data.blocking.unblock).toEqual([bob!.jid]);
    expect((await gw.gql(UNBLOCK, { j: null }, alice)).body.data).toEqual({ blocking: { unblock: [] } });
    expect((await gw.gql(LIST, {}, alice)).body.data).toEqual({ blocking: { list: [] } });
  });

  it("a blocked user's messages stop reaching the caller's clients, and come again once unblocked", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3, "block-msg");
    const aliceDesk = await gw.connect(alice!, { resource: "desk" });
    const bobClient = await gw.connect(bob!);
    const carolClient = await gw.connect(carol!);
    await gw.gql(BLOCK, { j: [bob!.jid] }, alice);
    await bobClient.send(chat(alice!.jid, "from a blocked bob"));
    // Carol's message sent after bob's arrives after it would have: bob's never came.
    await bobClient.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    await carolClient.send(chat(alice!.jid, "marker from carol"));
    await aliceDesk.waitFor(hasBody("marker from carol"));
    expect(aliceDesk.received.some(hasBody("from a blocked bob"))).toBe(false);
    await gw.gql(UNBLOCK, { j: [bob!.jid] }, alice);
    await bobClient.send(chat(alice!.jid, "from bob again"));
    await aliceDesk.waitFor(hasBody("from bob again"));
  });

  it("refuses a block of nothing with invalid_input, and needs credentials", async () => {
    const [alice] = await gw.sandbox.createUsers(1, "block-bad");
    const empty = await gw.gql(BLOCK, { j: [] }, alice);
    expect(empty.body.errors![0]!.extensions).toMatchObject({ code: "invalid_input", field: "jids" });
    await gw.gql(BLOCK, { j: ["keep@localhost"] }, alice);
    const emptyUnblock = await gw.gql(UNBLOCK, { j: [] }, alice);
    expect(emptyUnblock.body.errors![0]!.extensions).toMatchObject({ code: "invalid_input", field: "jids" });
    expect((await gw.gql(LIST, {}, alice)).body.data).toEqual({ blocking: { list: ["keep@localhost"] } });
    expect((await gw.gql(LIST)).status).toBe(401);
  });
});

describe("chat.sendChatState (XEP-0085)", () => {
  it("reaches the peer as a chat message with the state and a no-store hint", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "typing");
    const bobClient = await gw.connect(bob!);
    const sent = await gw.gql(`mutation($to: JID!) { chat { sendChatState(to: $to, state: COMPOSING) } }`, { to: bob!.jid }, alice);
    expect(sent.body).toEqual({ data: { chat: { sendChatState: true } } });
    const typing = await bobClient.waitFor((s) => s.is("message") && !!s.getChild("composing", "http://jabber.org/protocol/chatstates"));
    expect(typing.attrs.type).toBe("chat");
    expect(typing.getChild("no-store", "urn:xmpp:hints")).toBeDefined();
    expect(typing.getChild("body")).toBeUndefined();
  });
});
