import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { startGateway, basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { connectRawClient, type RawClient } from "../support/xmpp-client.js";
import { subscribeSse, subscribeWs, untilLive } from "../support/subscribers.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";
import { XmppSession } from "../../src/xmpp/session.js";

const gw = useGateway();

const raw = (user: SandboxUser, resource = "raw", presence: false | { priority: number } = { priority: 0 }) => gw.connect(user, { resource, presence });

const chat = (to: string, body: string) => xml("message", { to, type: "chat", id: `m-${body}` }, xml("body", {}, body));
const bodyOf = (stanza: string) => /<body>([^<]*)<\/body>/.exec(stanza)?.[1];
const wsBody = (e: any) => bodyOf(e.data?.stanza?.subscribeForMessages?.stanza ?? "");
const wsMessage = (body: string) => (e: any) => wsBody(e) === body;

/** Available presence of one of the gateway's sessions (resource `graphql-…`) of `user`. */
const gatewayPresence = (user: SandboxUser) => (s: Element) =>
  s.name === "presence" && !s.attrs.type && (s.attrs.from ?? "").startsWith(`${user.jid}/graphql-`);
/** The priorities the gateway's sessions of `user` announced to `client`, in order. */
const gatewayPriorities = (client: RawClient, user: SandboxUser) =>
  client.received.filter(gatewayPresence(user)).map((s) => s.getChildText("priority"));
/** Waits for a stanza matching `predicate` that arrives after this call. */
function waitForNext(client: RawClient, predicate: (s: Element) => boolean): Promise<Element> {
  const seen = client.received.length;
  return client.waitFor((s) => client.received.indexOf(s) >= seen && predicate(s));
}
/** An IQ round trip: what the server sent before its reply has arrived. */
const ping = (client: RawClient) => client.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));

describe("subscribeForMessages over graphql-ws", () => {
  it("pushes every message that reaches the user, authenticated in connection_init", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(bob!) });
    try {
      const aliceClient = await raw(alice!, "watcher", { priority: 0 });
      await untilLive(sub, (b) => aliceClient.send(chat(bob!.jid, b)), wsBody);
      await aliceClient.send(chat(bob!.jid, "one"));
      await aliceClient.send(chat(bob!.jid, "two"));
      const first = await sub.waitFor(wsMessage("one"));
      await sub.waitFor(wsMessage("two"));
      expect(first.data.stanza.subscribeForMessages).toMatchObject({
        sender: `${alice!.jid}/watcher`,
        stanza_id: "m-one",
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      const order = sub.events.map(wsBody);
      expect(order.indexOf("one")).toBeLessThan(order.indexOf("two"));
    } finally {
      await sub.stop();
    }
  });

  it("accepts the Authorization header on the upgrade request too", async () => {
    const bob = await gw.sandbox.createUser();
    const { createClient } = await import("graphql-ws");
    const WebSocket = (await import("ws")).default;
    class WithHeader extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { authorization: basicAuth(bob) } });
      }
    }
    const client = createClient({ url: gw.url.replace("http", "ws") + "/api/graphql", webSocketImpl: WithHeader, retryAttempts: 0 });
    const result = await new Promise<any>((resolve, reject) => {
      client.subscribe({ query: "{ checkAuth { username authStatus } }" }, { next: resolve, error: reject, complete: () => undefined });
    });
    expect(result.data.checkAuth).toEqual({ username: bob.jid, authStatus: "AUTHORIZED" });
    await client.dispose();
  });

  it("closes the connection with 4403 for wrong credentials", async () => {
    const alice = await gw.sandbox.createUser();
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth({ ...alice, password: "wrong" }) });
    const closed = await sub.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toContain("credentials are wrong");
    await sub.stop();
  });

  it("refuses a subscription without credentials with no_permissions", async () => {
    const sub = await subscribeWs(gw.url, {});
    const event = await sub.waitFor((e) => e.error);
    expect(event.error[0]).toMatchObject({ extensions: { code: "no_permissions" } });
    await sub.stop();
  });

  it("unsubscribing releases the session: presence goes unavailable and the session may idle out", async () => {
    const bob = await gw.sandbox.createUser();
    const other = await raw(bob!, "phone", { priority: 1 });
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(bob!) });
    // Priority 0 at first, -1 once the gateway has heard of the phone (priority 1).
    const available = await other.waitFor((s) => gatewayPresence(bob!)(s) && s.getChildText("priority") === "-1");
    const gatewayResource = available.attrs.from!;
    const longAfter = () => Date.now() + gw.config.pool.idleTimeoutMs + 1;
    gw.app.pool.closeIdle(longAfter());
    expect(gw.app.pool.has(bob!.jid)).toBe(true); // pinned while subscribed
    await sub.stop();
    await other.waitFor((s) => s.name === "presence" && s.attrs.from === gatewayResource && s.attrs.type === "unavailable");
    gw.app.pool.closeIdle(longAfter());
    expect(gw.app.pool.has(bob!.jid)).toBe(false);
  });
});

describe("subscribeForMessages over SSE", () => {
  it("streams each result as an unnamed event with increasing ids", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const sse = await subscribeSse(gw.url, basicAuth(bob!));
    try {
      expect(sse.status).toBe(200);
      expect(sse.contentType).toMatch(/^text\/event-stream/);
      const aliceClient = await raw(alice!);
      const sseBody = (e: any) => bodyOf(e.data?.data?.stanza?.subscribeForMessages?.stanza ?? "");
      await untilLive(sse, (b) => aliceClient.send(chat(bob!.jid, b)), sseBody);
      const probes = sse.events.length;
      await aliceClient.send(chat(bob!.jid, "s1"));
      await aliceClient.send(chat(bob!.jid, "s2"));
      await sse.waitFor((e) => sseBody(e) === "s2");
      expect(sse.events.map((e) => e.id)).toEqual(Array.from({ length: probes + 2 }, (_, i) => String(i + 1)));
      expect(sse.events.slice(probes).map(sseBody)).toEqual(["s1", "s2"]);
      expect(sse.events.every((e) => e.event === undefined)).toBe(true);
      expect(sse.events[probes]!.data.data.stanza.subscribeForMessages.sender).toBe(`${alice!.jid}/raw`);
    } finally {
      await sse.stop();
    }
  });

  it("answers errors before the stream with the HTTP status and a JSON body", async () => {
    const alice = await gw.sandbox.createUser();
    const anonymous = await subscribeSse(gw.url, undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.events[0]!.data.errors[0].extensions.code).toBe("no_permissions");
    const wrong = await subscribeSse(gw.url, basicAuth({ ...alice, password: "nope" }));
    expect(wrong.status).toBe(401);
    expect(wrong.events[0]!.data.errors[0].extensions.code).toBe("wrong_credentials");
    const query = await subscribeSse(gw.url, basicAuth(alice), "{ checkAuth { authStatus } }");
    expect(query.status).toBe(400);
    expect(query.events[0]!.data.errors[0]).toMatchObject({
      message: "The sse execution method does not support query operations.",
      extensions: { code: "unsupported_operation" },
    });
    const post = await fetch(`${gw.url}/api/graphql/sse`, { method: "POST", body: "{}" });
    expect(post.status).toBe(405);
  });
});

describe("a live subscription never takes messages away from the user's other clients", () => {
  it("with another client online, that client gets a message to the bare JID and the subscriber a carbon copy, each once", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const phone = await raw(bob!, "phone", { priority: 0 });
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(bob!) });
    try {
      await phone.waitFor((s) => gatewayPresence(bob!)(s) && s.getChildText("priority") === "-1");
      const aliceClient = await raw(alice!);
      await aliceClient.send(chat(bob!.jid, "shared"));
      const direct = await phone.waitFor((s) => s.name === "message" && s.getChildText("body") === "shared");
      expect(direct.getChild("received", "urn:xmpp:carbons:2")).toBeUndefined();
      await sub.waitFor(wsMessage("shared"));
      // A later message has come through: a second copy of the first would be there by now.
      await aliceClient.send(chat(bob!.jid, "next"));
      await sub.waitFor(wsMessage("next"));
      await phone.waitFor((s) => s.name === "message" && s.getChildText("body") === "next");
      expect(sub.events.filter(wsMessage("shared"))).toHaveLength(1);
      expect(phone.received.filter((s) => s.name === "message" && s.getChildText("body") === "shared")).toHaveLength(1);
    } finally {
      await sub.stop();
    }
  });

  it("with no other client online the subscriber is the user's client: it gets the message, which is archived and not kept offline", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const aliceClient = await raw(alice!);
    await aliceClient.send(chat(bob!.jid, "waiting"));
    await ping(aliceClient); // stored offline before the subscription starts
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(bob!) });
    try {
      const waiting = await sub.waitFor(wsMessage("waiting"));
      expect(waiting.data.stanza.subscribeForMessages.stanza).toContain("urn:xmpp:delay");
      await untilLive(sub, (b) => aliceClient.send(chat(bob!.jid, b)), wsBody);
      await aliceClient.send(chat(bob!.jid, "kept"));
      await sub.waitFor(wsMessage("kept"));
      // A headline to the bare JID goes to every resource of priority 0 or more: the subscriber too.
      await aliceClient.send(xml("message", { to: bob!.jid, type: "headline", id: "h-news" }, xml("body", {}, "news")));
      await sub.waitFor(wsMessage("news"));
      expect(sub.events.filter(wsMessage("kept"))).toHaveLength(1);
    } finally {
      await sub.stop();
    }
    const archived = await gw.gql("{ stanza { getLastMessages { stanzas { stanza } } } }", {}, bob);
    expect(archived.body.data.stanza.getLastMessages.stanzas.map((m: any) => bodyOf(m.stanza))).toContain("kept");
    const later = await raw(bob!, "laptop", { priority: 0 });
    // Offline messages come with the initial presence, before the reply to a later IQ.
    await ping(later);
    expect(later.received.filter((s) => s.name === "message" && s.getChildText("body") === "kept")).toEqual([]);
  });

  it("announces -1 while a client of the user is online with priority 0 or more, 0 again once it leaves", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    // A client with a negative priority is never routed bare-JID messages: it does not count.
    const watcher = await raw(bob!, "watcher", { priority: -1 });
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(bob!) });
    try {
      const aliceClient = await raw(alice!);
      await untilLive(sub, (b) => aliceClient.send(chat(bob!.jid, b)), wsBody);
      await watcher.waitFor(gatewayPresence(bob!));
      expect(gatewayPriorities(watcher, bob!)).toEqual(["0"]);

      const flipped = waitForNext(watcher, gatewayPresence(bob!));
      const phone = await raw(bob!, "phone", { priority: 0 });
      await flipped;
      expect(gatewayPriorities(watcher, bob!)).toEqual(["0", "-1"]);
      await aliceClient.send(chat(bob!.jid, "to-phone"));
      await phone.waitFor((s) => s.name === "message" && s.getChildText("body") === "to-phone");
      await sub.waitFor(wsMessage("to-phone"));

      const leaving = waitForNext(watcher, gatewayPresence(bob!));
      await phone.stop();
      await leaving;
      expect(gatewayPriorities(watcher, bob!)).toEqual(["0", "-1", "0"]);
      await aliceClient.send(chat(bob!.jid, "alone-again"));
      await sub.waitFor(wsMessage("alone-again"));
      expect(watcher.received.filter((s) => s.name === "message" && s.getChildText("body") === "alone-again")).toEqual([]);
    } finally {
      await sub.stop();
    }
  });

  it("two gateways subscribed for the same user do not count each other as a client", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const second = await startGateway({}, gw.sandbox);
    const watcher = await raw(bob!, "watcher", { priority: -1 });
    const one = await subscribeWs(gw.url, { Authorization: basicAuth(bob!) });
    const two = await subscribeWs(second.url, { Authorization: basicAuth(bob!) });
    try {
      const aliceClient = await raw(alice!);
      await untilLive(one, (b) => aliceClient.send(chat(bob!.jid, b)), wsBody);
      await untilLive(two, (b) => aliceClient.send(chat(bob!.jid, `two-${b}`)), (e) => wsBody(e)?.replace(/^two-/, ""));
      await aliceClient.send(chat(bob!.jid, "both"));
      await one.waitFor(wsMessage("both"));
      await two.waitFor(wsMessage("both"));
      const gateways = new Set(watcher.received.filter(gatewayPresence(bob!)).map((s) => s.attrs.from));
      expect(gateways.size).toBe(2);
      expect(gatewayPriorities(watcher, bob!)).toEqual(["0", "0"]);
    } finally {
      await one.stop();
      await two.stop();
      await second.stop();
    }
  });
});

describe("when the XMPP connection drops", () => {
  it("ends graphql-ws and SSE subscriptions with an xmpp_unavailable error once reconnecting gives up", async () => {
    const own = await startGateway({ SUBSCRIPTION_RECONNECT_MIN_MS: "100", SUBSCRIPTION_RECONNECT_GIVE_UP_MS: "600" });
    try {
      const alice = await own.sandbox.createUser();
      const ws = await subscribeWs(own.url, { Authorization: basicAuth(alice) });
      const sse = await subscribeSse(own.url, basicAuth(alice));
      await expect.poll(() => own.app.pool.has(alice.jid)).toBe(true);
      await own.sandbox.kill();
      const wsError = await ws.waitFor((e) => e.errors || e.complete, 10_000);
      expect(wsError.errors?.[0]?.extensions?.code).toBe("xmpp_unavailable");
      await ws.waitFor((e) => e.complete === true);
      const sseError = await sse.waitFor((e) => e.data.errors, 10_000);
      expect(sseError.data.errors[0].extensions.code).toBe("xmpp_unavailable");
      await ws.stop();
      await sse.stop();
    } finally {
      await own.stop();
    }
  });
});

describe("a server restart during a live subscription", () => {
  it("reconnects and delivers every message of the outage exactly once, in order", async () => {
    // The first reconnect attempt waits long enough for the test to send during the outage.
    const own = await startGateway({ SUBSCRIPTION_RECONNECT_MIN_MS: "2500" });
    const others: RawClient[] = [];
    try {
      const [alice, bob] = await own.sandbox.createUsers(2);
      const ws = await subscribeWs(own.url, { Authorization: basicAuth(bob!) });
      const sse = await subscribeSse(own.url, basicAuth(bob!));
      const first = await connectRawClient(own.sandbox.service, own.sandbox.domain, alice!, { resource: "a1" });
      others.push(first);
      await untilLive(ws, (b) => first.send(chat(bob!.jid, b)), wsBody);
      const sseBody = (e: any) => bodyOf(e.data?.data?.stanza?.subscribeForMessages?.stanza ?? "");
      await untilLive(sse, (b) => first.send(chat(bob!.jid, b)), sseBody);
      await first.send(chat(bob!.jid, "before"));
      await ws.waitFor(wsMessage("before"));

      await own.sandbox.kill();
      await own.sandbox.restart();
      const second = await connectRawClient(own.sandbox.service, own.sandbox.domain, alice!, { resource: "a2" });
      others.push(second);
      const during = ["during-1", "during-2", "during-3", "during-4", "during-5"];
      for (const body of during) await second.send(chat(bob!.jid, body));

      // Live again after the reconnect: a message sent now arrives after the replay.
      await expect.poll(() => own.app.pool.has(bob!.jid), { timeout: 15_000 }).toBe(true);
      await untilLive(ws, (b) => second.send(chat(bob!.jid, `after-${b}`)), (e) => wsBody(e)?.replace(/^after-/, ""));
      await second.send(chat(bob!.jid, "after"));
      await ws.waitFor(wsMessage("after"), 10_000);
      await sse.waitFor((e) => sseBody(e) === "after", 10_000);

      for (const [name, bodies] of [["ws", ws.events.map(wsBody)], ["sse", sse.events.map(sseBody)]] as const) {
        const relevant = bodies.filter((b): b is string => b !== undefined && ["before", ...during, "after"].includes(b));
        expect(relevant, name).toEqual(["before", ...during, "after"]);
      }
      expect(ws.events.filter((e) => e.errors).length).toBe(0);
      await ws.stop();
      await sse.stop();
    } finally {
      await Promise.all(others.map((c) => c.stop()));
      await own.stop();
    }
  }, 60_000);
});

describe("a fault on a server without an archive", () => {
  it("tells the subscriber that messages may have been lost, then goes on", async () => {
    const { startProsody } = await import("../../scripts/sandbox/prosody.js");
    const sandbox = await startProsody({ withoutModules: ["mam"] });
    const own = await startGateway({ SUBSCRIPTION_RECONNECT_MIN_MS: "300" }, sandbox);
    const others: RawClient[] = [];
    try {
      const [alice, bob] = await sandbox.createUsers(2);
      const ws = await subscribeWs(own.url, { Authorization: basicAuth(bob!) });
      const first = await connectRawClient(sandbox.service, sandbox.domain, alice!, { resource: "a1" });
      others.push(first);
      await untilLive(ws, (b) => first.send(chat(bob!.jid, b)), wsBody);
      await sandbox.kill();
      await sandbox.restart();
      const gap = await ws.waitFor((e) => e.errors, 15_000);
      expect(gap.errors[0].extensions.code).toBe("messages_may_be_lost");
      const second = await connectRawClient(sandbox.service, sandbox.domain, alice!, { resource: "a2" });
      others.push(second);
      await untilLive(ws, (b) => second.send(chat(bob!.jid, `again-${b}`)), (e) => wsBody(e)?.replace(/^again-/, ""));
      expect(ws.events.some((e) => e.complete)).toBe(false);
      await ws.stop();
    } finally {
      await Promise.all(others.map((c) => c.stop()));
      await own.stop();
      await sandbox.stop();
    }
  }, 60_000);
});

describe("a held presence on a session with a resource of its own choosing", () => {
  it("does not take its own echoed presence for another client: it stays at priority 0 and gets every message", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    // A watcher at -1 is not a routable client, so it changes nothing; it sees every announcement.
    const watcher = await raw(alice!, "watcher", { priority: -1 });
    const session = await XmppSession.open({
      service: gw.sandbox.service, domain: gw.sandbox.domain, username: alice!.username, password: alice!.password,
      resource: "web-app", iqTimeoutMs: 5000, connectTimeoutMs: 5000,
    });
    try {
      const bodies: string[] = [];
      session.onStanza((s) => {
        if (s.name === "message") bodies.push(s.getChildText("body") ?? "");
      });
      const release = await session.holdPresence();
      const sender = await raw(bob!, "raw", false);
      for (const body of ["one", "two", "three"]) {
        await sender.send(chat(alice!.jid, body));
        await expect.poll(() => bodies, { timeout: 5000 }).toContain(body);
      }
      await session.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
      const announced = watcher.received
        .filter((st) => st.name === "presence" && !st.attrs.type && st.attrs.from === `${alice!.jid}/web-app`)
        .map((st) => st.getChildText("priority"));
      expect(announced).toEqual(["0"]);
      await release();
    } finally {
      await session.close();
    }
  });
});
