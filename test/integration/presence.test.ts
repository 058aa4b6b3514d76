import { afterAll, describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { befriend, type RawClient } from "../support/xmpp-client.js";
import { subscribeWs, type Subscriber } from "../support/subscribers.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const SET = `mutation($show: PresenceShow!, $status: String, $priority: Int, $idle: DateTime) {
  presence { setPresence(show: $show, status: $status, priority: $priority, idleSince: $idle) { jid show status resources { resource show priority } } }
}`;
const CONTACTS = `query($c: [BareJID!]) { presence { contacts(contacts: $c) { jid show status idleSince lastSeen resources { resource show status priority } } } }`;
const OWN = `{ presence { own { jid show status resources { resource show status priority } } } }`;
const STREAM = `subscription { events { stream(types: [PRESENCE]) { __typename } } }`;

const gw = useGateway();
const subs: Subscriber[] = [];
afterAll(async () => {
  await Promise.all(subs.map((s) => s.stop()));
});

/** A stanza from the gateway's resource of `user`. */
const fromGateway = (user: SandboxUser) => (s: Element) => s.is("presence") && !!s.attrs.from?.startsWith(`${user.jid}/graphql-`);
/** The next presence from the gateway's resource of `user` matching `p`, after the ones already seen. */
async function nextGatewayPresence(client: RawClient, user: SandboxUser, p: (s: Element) => boolean): Promise<Element> {
  const seen = client.received.length;
  return client.waitFor((s) => client.received.indexOf(s) >= seen && fromGateway(user)(s) && p(s));
}

/** `user` and a contact with a mutual subscription; the user's raw client is stopped unless `keep`. */
async function friends(prefix: string, count = 1): Promise<{ alice: SandboxUser; others: SandboxUser[]; clients: RawClient[]; aliceDesk: RawClient }> {
  const [alice, ...others] = await gw.sandbox.createUsers(count + 1, prefix);
  const aliceDesk = await gw.connect(alice!, { resource: "desk" });
  const clients: RawClient[] = [];
  for (const other of others) {
    const client = await gw.connect(other);
    await befriend(aliceDesk, client);
    clients.push(client);
  }
  return { alice: alice!, others, clients, aliceDesk };
}

describe("presence", () => {
  it("setPresence is seen by a subscribed contact with show, status, idle and priority; OFFLINE as unavailable", async () => {
    const { alice, clients: [bobClient], aliceDesk } = await friends("pr-set");
    await aliceDesk.stop();
    const seen = nextGatewayPresence(bobClient!, alice, (s) => s.attrs.type === undefined);
    const set = await gw.gql(SET, { show: "AWAY", status: "lunch", priority: 3, idle: "2026-01-01T10:00:00Z" }, alice);
    expect(set.body.errors).toBeUndefined();
    expect(set.body.data.presence.setPresence).toMatchObject({ jid: alice.jid, show: "AWAY", status: "lunch", resources: [{ show: "AWAY", priority: 3 }] });
    const presence = await seen;
    expect(presence.getChildText("show")).toBe("away");
    expect(presence.getChildText("status")).toBe("lunch");
    expect(presence.getChildText("priority")).toBe("3");
    expect(new Date(presence.getChild("idle", "urn:xmpp:idle:1")!.attrs.since as string).toISOString()).toBe("2026-01-01T10:00:00.000Z");

    const gone = nextGatewayPresence(bobClient!, alice, (s) => s.attrs.type === "unavailable");
    const off = await gw.gql(SET, { show: "OFFLINE", status: "bye" }, alice);
    expect(off.body.data.presence.setPresence).toMatchObject({ show: "OFFLINE", resources: [] });
    expect((await gone).getChildText("status")).toBe("bye");

    const bad = await gw.gql(SET, { show: "ONLINE", priority: 500 }, alice);
    expect(bad.body.errors?.[0]?.extensions).toMatchObject({ code: "invalid_input", field: "priority" });
  });

  it("a stream started after setPresence announces it at the stream's priority; its end makes the resource unavailable", async () => {
    const { alice, clients: [bobClient], aliceDesk } = await friends("pr-stream");
    await aliceDesk.stop();
    const standalone = nextGatewayPresence(bobClient!, alice, (s) => s.getChildText("show") === "dnd");
    await gw.gql(SET, { show: "DND", status: "focus" }, alice);
    // Without a stream no one reads what reaches the session: never routable.
    expect((await standalone).getChildText("priority")).toBe("-1");

    const streamed = nextGatewayPresence(bobClient!, alice, (s) => s.getChildText("priority") === "0");
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(alice) }, STREAM);
    subs.push(sub);
    const announced = await streamed;
    expect(announced.getChildText("show")).toBe("dnd");
    expect(announced.getChildText("status")).toBe("focus");

    const ended = nextGatewayPresence(bobClient!, alice, (s) => s.attrs.type === "unavailable");
    await sub.stop();
    await ended;
  });

  it("contacts: an online contact's presence, an offline one's lastSeen, a stranger OFFLINE; the brief presence is released", async () => {
    const { alice, others: [bob, carol], clients: [bobClient, carolClient], aliceDesk } = await friends("pr-contacts", 2);
    await aliceDesk.stop();
    await bobClient!.send(xml("presence", {}, xml("show", {}, "xa"), xml("status", {}, "on holiday"), xml("priority", {}, "2")));
    await bobClient!.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    await carolClient!.stop();
    const [stranger] = await gw.sandbox.createUsers(1, "pr-stranger");

    const released = nextGatewayPresence(bobClient!, alice, (s) => s.attrs.type === "unavailable");
    const started = Date.now();
    const res = await gw.gql(CONTACTS, { c: null }, alice);
    const tookMs = Date.now() - started;
    expect(res.body.errors).toBeUndefined();
    const byJid = new Map<string, any>(res.body.data.presence.contacts.map((c: any) => [c.jid, c]));
    expect(byJid.get(bob!.jid)).toMatchObject({ show: "XA", status: "on holiday", lastSeen: null, resources: [{ resource: "raw", show: "XA", status: "on holiday", priority: 2 }] });
    expect(byJid.get(carol!.jid)).toMatchObject({ show: "OFFLINE", resources: [] });
    // Both servers keep the time of the last logout (XEP-0012).
    const lastSeen = Date.parse(byJid.get(carol!.jid).lastSeen);
    expect(lastSeen).toBeGreaterThan(started - 60_000);
    expect(lastSeen).toBeLessThanOrEqual(Date.now() + 1000);
    // Contacts saw the gateway online just for the query, at a priority that takes no message.
    await released;
    const brief = bobClient!.received.filter(fromGateway(alice));
    expect(brief.at(-2)?.getChildText("priority")).toBe("-1");
    console.log(`presence.contacts without a stream: ${tookMs} ms, ${brief.length} presence stanzas seen by a contact`);

    const asked = await gw.gql(CONTACTS, { c: [stranger!.jid, bob!.jid] }, alice);
    expect(asked.body.data.presence.contacts).toMatchObject([{ jid: stranger!.jid, show: "OFFLINE", lastSeen: null }, { jid: bob!.jid, show: "XA" }]);
  });

  it("contacts answers from the session's book while a stream holds it available", async () => {
    const { alice, others: [bob], clients: [bobClient], aliceDesk } = await friends("pr-book");
    await aliceDesk.stop();
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(alice) }, `subscription { events { stream(types: [PRESENCE]) { ... on PresenceEvent { presence { jid show } } } } }`);
    subs.push(sub);
    await sub.waitFor((e: any) => e?.data?.events?.stream?.presence?.jid === bob!.jid);
    await bobClient!.send(xml("presence", {}, xml("show", {}, "chat")));
    await sub.waitFor((e: any) => e?.data?.events?.stream?.presence?.show === "CHAT");
    const res = await gw.gql(CONTACTS, { c: [bob!.jid] }, alice);
    expect(res.body.data.presence.contacts).toMatchObject([{ jid: bob!.jid, show: "CHAT" }]);
    // A second stream on the same session starts with the same snapshot.
    const second = await subscribeWs(gw.url, { Authorization: basicAuth(alice) }, `subscription { events { stream(types: [PRESENCE]) { ... on PresenceEvent { presence { jid show } } } } }`);
    subs.push(second);
    await second.waitFor((e: any) => e?.data?.events?.stream?.presence?.jid === bob!.jid && e.data.events.stream.presence.show === "CHAT");
  });

  it("own: the user's other clients, and the gateway's resource only while it is available for the user", async () => {
    const [alice] = await gw.sandbox.createUsers(1, "pr-own");
    const phone = await gw.connect(alice!, { resource: "phone", presence: false });
    await phone.send(xml("presence", {}, xml("show", {}, "away"), xml("priority", {}, "1")));
    await phone.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    const alone = await gw.gql(OWN, {}, alice);
    expect(alone.body.errors).toBeUndefined();
    expect(alone.body.data.presence.own).toMatchObject({ jid: alice!.jid, show: "AWAY", resources: [{ resource: "phone", show: "AWAY", priority: 1 }] });
    expect(alone.body.data.presence.own.resources).toHaveLength(1);

    await gw.gql(SET, { show: "CHAT", status: "hi" }, alice);
    const both = await gw.gql(OWN, {}, alice);
    expect(both.body.data.presence.own).toMatchObject({ show: "CHAT", status: "hi" });
    expect(both.body.data.presence.own.resources.map((r: any) => r.resource).sort()).toEqual([expect.stringMatching(/^graphql-/), "phone"]);
  });
});
