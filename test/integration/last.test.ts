import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { basicAuth, SERVER } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { subscribeWs, untilLive } from "../support/subscribers.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const NS_LAST = "jabber:iq:last";
const GET = "query($u: JID) { last { getLast(user: $u) { user timestamp status } } }";
const SET = "mutation($t: DateTime, $s: String!) { last { setLast(timestamp: $t, status: $s) { user timestamp status } } }";

/**
 * Documented difference: ejabberd answers 0 s and an empty status while any session of the
 * user is open, the gateway's own included, so a status just set cannot be read back there.
 */
const ONLINE_HIDES_RECORD = SERVER === "ejabberd";
/** The status a read answers right after `status` was set through the gateway. */
const readBack = (status: string) => (ONLINE_HIDES_RECORD ? "" : status);

const gw = useGateway();

const raw = (user: SandboxUser, presence: false | { priority: number } = false) => gw.connect(user, { presence });

/** Makes `watcher` subscribed to `target`'s presence (target's roster: watcher FROM). */
async function subscribe(watcher: SandboxUser, target: SandboxUser): Promise<void> {
  await gw.gql("mutation($c: JID!) { roster { subscription(contact: $c, action: INVITE) } }", { c: target.jid }, watcher);
  await gw.gql("mutation($c: JID!) { roster { subscription(contact: $c, action: ACCEPT) } }", { c: watcher.jid }, target);
  await expect.poll(async () =>
    (await gw.gql("query($c: JID!) { roster { getContact(contact: $c) { subscription } } }", { c: target.jid }, watcher)).body.data?.roster.getContact?.subscription,
  ).toBe("TO");
}

/** Seconds between an API timestamp and now (whole-second output, so allow a little). */
function ageOf(timestamp: string): number {
  return (Date.now() - Date.parse(timestamp)) / 1000;
}

describe("getLast", () => {
  it("reads the caller's own record; Prosody reports 0 s and no status when none is kept", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(GET, {}, alice);
    expect(r.body.errors).toBeUndefined();
    const last = r.body.data.last.getLast;
    expect(last).toMatchObject({ user: alice.jid, status: "" });
    expect(last.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(ageOf(last.timestamp)).toBeLessThan(5);
    expect(ageOf(last.timestamp)).toBeGreaterThan(-2);
  });

  it("reads a subscribed contact's record, written by that user's own XMPP client", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    await subscribe(bob!, alice!);
    const aliceClient = await raw(alice!, { priority: 0 });
    await aliceClient.send(xml("presence", { type: "unavailable" }, xml("status", {}, "Gone fishing")));
    if (ONLINE_HIDES_RECORD) {
      // The record shows only once no session of alice is open (the gateway's never sent presence).
      await gw.app.pool.drop(alice!.jid);
      await aliceClient.stop();
    }
    await expect.poll(async () => (await gw.gql(GET, { u: alice!.jid }, bob)).body.data?.last.getLast?.status).toBe("Gone fishing");
    const r = await gw.gql(GET, { u: alice!.jid }, bob);
    expect(r.body.data.last.getLast.user).toBe(alice!.jid);
    expect(ageOf(r.body.data.last.getLast.timestamp)).toBeLessThan(10);
  });

  it("queries the bare JID when a resource is given, and echoes the JID as given", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    await subscribe(bob!, alice!);
    await gw.gql(SET, { s: "via bare" }, alice);
    const r = await gw.gql(GET, { u: `${alice!.jid}/phone` }, bob);
    expect(r.body.data.last.getLast).toMatchObject({ user: `${alice!.jid}/phone`, status: readBack("via bare") });
  });

  it("answers no_permissions for a user the caller is not subscribed to (Prosody: forbidden)", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const r = await gw.gql(GET, { u: alice!.jid }, bob);
    expect(r.status).toBe(200);
    expect(r.body.data.last.getLast).toBeNull();
    expect(r.body.errors![0]).toMatchObject({
      path: ["last", "getLast"],
      message: `Reading the last activity of ${alice!.jid} needs a presence subscription to them (or the user does not exist)`,
      extensions: { code: "no_permissions", user: alice!.jid },
    });
  });

  it("answers no_permissions for a local account that does not exist (Prosody cannot tell it apart)", async () => {
    const bob = await gw.sandbox.createUser();
    const r = await gw.gql(GET, { u: `nobody-${Date.now()}@${gw.sandbox.domain}` }, bob);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "no_permissions" });
  });

  it("answers user_does_not_exist for a domain the server cannot reach", async () => {
    const bob = await gw.sandbox.createUser();
    const r = await gw.gql(GET, { u: "alice@unreachable.example" }, bob);
    expect(r.body.data.last.getLast).toBeNull();
    expect(r.body.errors![0]).toMatchObject({
      message: "User alice@unreachable.example does not exist",
      extensions: { code: "user_does_not_exist", user: "alice@unreachable.example" },
    });
  });
});

describe("setLast", () => {
  it("records the status now and returns what the server then reports", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(SET, { s: "Out for lunch" }, alice);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.last.setLast).toMatchObject({ user: alice.jid, status: readBack("Out for lunch") });
    expect(Math.abs(ageOf(r.body.data.last.setLast.timestamp))).toBeLessThan(5);
    const read = await gw.gql(GET, {}, alice);
    expect(read.body.data.last.getLast.status).toBe(readBack("Out for lunch"));
  });

  it("is seen by an independent client of a subscribed contact: the unavailable presence and the XEP-0012 record", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    await subscribe(bob!, alice!);
    const bobClient = await raw(bob!, { priority: 0 });
    await gw.gql(SET, { s: "Back at 5" }, alice);
    const presence = await bobClient.waitFor((s) => s.name === "presence" && s.attrs.type === "unavailable" && (s.attrs.from ?? "").startsWith(`${alice!.jid}/`));
    expect(presence.getChildText("status")).toBe("Back at 5");
    const reply = await bobClient.iq(xml("iq", { type: "get", to: alice!.jid }, xml("query", { xmlns: NS_LAST })));
    const query = reply.getChild("query", NS_LAST)!;
    expect(query.text()).toBe(readBack("Back at 5"));
    expect(Number(query.attrs.seconds)).toBeLessThan(10);
  });

  it("accepts a timestamp within a minute of now and stores an empty status", async () => {
    const alice = await gw.sandbox.createUser();
    await gw.gql(SET, { s: "first" }, alice);
    const r = await gw.gql(SET, { t: new Date(Date.now() - 20_000).toISOString(), s: "" }, alice);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.last.setLast).toMatchObject({ user: alice.jid, status: "" });
    // The server records the moment of the request, not the given one.
    expect(Math.abs(ageOf(r.body.data.last.setLast.timestamp))).toBeLessThan(5);
  });

  it("refuses a timestamp away from now with invalid_input, recording nothing", async () => {
    const alice = await gw.sandbox.createUser();
    await gw.gql(SET, { s: "kept" }, alice);
    for (const t of ["2020-01-01T00:00:00Z", new Date(Date.now() + 3_600_000).toISOString()]) {
      const r = await gw.gql(SET, { t, s: "never stored" }, alice);
      expect(r.body.data.last.setLast).toBeNull();
      expect(r.body.errors![0]).toMatchObject({
        path: ["last", "setLast"],
        message: "The XMPP server records last activity only at the current time: omit timestamp or give one within 60 s of now",
        extensions: { code: "invalid_input", field: "timestamp" },
      });
    }
    expect((await gw.gql(GET, {}, alice)).body.data.last.getLast.status).toBe(readBack("kept"));
  });

  it("keeps a live message subscription of the same user receiving messages", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(alice!) });
    try {
      const bobClient = await raw(bob!, { priority: 0 });
      const chat = (body: string) => xml("message", { to: alice!.jid, type: "chat" }, xml("body", {}, body));
      const bodyOf = (e: any) => /<body>([^<]*)<\/body>/.exec(e.data?.stanza?.subscribeForMessages?.stanza ?? "")?.[1];
      await untilLive(sub, (b) => bobClient.send(chat(b)), bodyOf);
      const r = await gw.gql(SET, { s: "still listening" }, alice);
      expect(r.body.data.last.setLast.status).toBe(readBack("still listening"));
      await bobClient.send(chat("after setLast"));
      await sub.waitFor((e) => bodyOf(e) === "after setLast");
    } finally {
      await sub.stop();
    }
  });

  it("refuses a malformed timestamp before execution", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(SET, { t: "yesterday", s: "x" }, alice);
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "input_coercion" });
  });
});
