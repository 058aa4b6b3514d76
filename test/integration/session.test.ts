import { afterAll,  describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { SERVER,  type TestGateway } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { XmppSession } from "../../src/xmpp/session.js";
import { PROBE_WINDOW_MS } from "../../src/session/session.api.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const devices: XmppSession[] = [];
afterAll(async () => {
  await Promise.all(devices.map((d) => d.close()));
});

/**
 * One of the user's own clients, with its resource and presence. It runs on the
 * gateway's XMPP stack (which leaves XEP-0198 off) because xmpp.js 0.14's own client
 * miscounts stream-management acks and ejabberd then closes its stream ("Client
 * acknowledged more stanzas than sent by server"), which would make sessions vanish.
 */
async function online(gw: TestGateway, user: SandboxUser, resource: string, presence: false | { priority: number }): Promise<XmppSession> {
  const device = await XmppSession.open({
    service: gw.sandbox.service, domain: gw.sandbox.domain, username: user.username, password: user.password,
    resource, iqTimeoutMs: 5000, connectTimeoutMs: 5000,
  });
  devices.push(device);
  if (presence) await device.send(xml("presence", {}, xml("priority", {}, String(presence.priority))));
  // The server handles a client's stanzas in order: once this ping is answered, the presence is in effect.
  await device.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
  return device;
}

/**
 * The user's clients for each test: two available (different priorities), one connected
 * without presence, and one that was connected and has logged out.
 */
async function fourClients(gw: TestGateway, user: SandboxUser): Promise<void> {
  await online(gw, user, "phone", { priority: 5 });
  await online(gw, user, "laptop", { priority: -2 });
  await online(gw, user, "hidden", false);
  const gone = await online(gw, user, "gone", { priority: 1 });
  await gone.close();
}

const ALL = "{ session { listResources countResources listSessions { user connection ip port priority node uptime } } }";

describe.runIf(SERVER === "ejabberd")("session on ejabberd (which lists a user's sessions in disco#items)", () => {
  const gw = useGateway();

  it("lists the connected resources, available or not, never the gateway's own session", async () => {
    const alice = await gw.sandbox.createUser();
    await fourClients(gw, alice);
    const r = await gw.gql("{ session { listResources } }", undefined, alice);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { session: { listResources: ["hidden", "laptop", "phone"] } } });
  });

  it("counts them", async () => {
    const alice = await gw.sandbox.createUser();
    await fourClients(gw, alice);
    const r = await gw.gql("{ session { countResources } }", undefined, alice);
    expect(r.body).toEqual({ data: { session: { countResources: 3 } } });
  });

  it("lists sessions with each one's presence priority; what XMPP does not carry is null", async () => {
    const alice = await gw.sandbox.createUser();
    await fourClients(gw, alice);
    const started = Date.now();
    const r = await gw.gql("{ session { listSessions { user connection ip port priority node uptime } } }", undefined, alice);
    const unknown = { connection: null, ip: null, port: null, node: null, uptime: null };
    expect(r.body).toEqual({
      data: {
        session: {
          listSessions: [
            { user: `${alice.jid}/hidden`, priority: null, ...unknown },
            { user: `${alice.jid}/laptop`, priority: -2, ...unknown },
            { user: `${alice.jid}/phone`, priority: 5, ...unknown },
          ],
        },
      },
    });
    // "hidden" never answers its probe: the wait is bounded by the probe window.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("reports no sessions when only the gateway is connected", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(ALL, undefined, alice);
    expect(r.body).toEqual({ data: { session: { listResources: [], countResources: 0, listSessions: [] } } });
  });

  it("answers quickly when every session is available (no waiting out the probe window)", async () => {
    const alice = await gw.sandbox.createUser();
    await online(gw, alice, "one", { priority: 0 });
    await online(gw, alice, "two", { priority: 127 });
    await gw.gql("{ checkAuth { authStatus } }", undefined, alice);
    const started = Date.now();
    const r = await gw.gql("{ session { listSessions { user priority } } }", undefined, alice);
    expect(r.body.data.session.listSessions).toEqual([
      { user: `${alice.jid}/one`, priority: 0 },
      { user: `${alice.jid}/two`, priority: 127 },
    ]);
    expect(Date.now() - started).toBeLessThan(PROBE_WINDOW_MS);
  });

  it("sees a session end", async () => {
    const alice = await gw.sandbox.createUser();
    await expectSessionToEnd(gw, alice);
  });

  it("shows only the caller's sessions", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    await online(gw, alice!, "phone", { priority: 0 });
    await online(gw, bob!, "desk", { priority: 0 });
    expect((await gw.gql("{ session { listResources } }", undefined, bob)).body.data.session.listResources).toEqual(["desk"]);
  });

  it("needs credentials", async () => {
    const r = await gw.gql("{ session { listResources } }", undefined, null);
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("no_permissions");
  });
});

// Each block runs in its server's project (XMPP_SERVER): they assert the documented behaviour of each.
describe.runIf(SERVER === "prosody")("session on Prosody (which tells a user's sessions only through presence)", () => {
  const gw = useGateway();

  it("lists the available resources with their priority; a session that sent no presence cannot be seen", async () => {
    const alice = await gw.sandbox.createUser();
    await fourClients(gw, alice);
    const r = await gw.gql(ALL, undefined, alice);
    expect(r.status).toBe(200);
    const unknown = { connection: null, ip: null, port: null, node: null, uptime: null };
    // "hidden" is connected but never sent presence: Prosody tells no one of it, so
    // unlike ejabberd (and MongooseIM) it is missing here.
    expect(r.body).toEqual({
      data: {
        session: {
          listResources: ["laptop", "phone"],
          countResources: 2,
          listSessions: [
            { user: `${alice.jid}/laptop`, priority: -2, ...unknown },
            { user: `${alice.jid}/phone`, priority: 5, ...unknown },
          ],
        },
      },
    });
  });

  it("keeps the user's last-activity status (the unavailable presence repeats it)", async () => {
    const alice = await gw.sandbox.createUser();
    await gw.gql('mutation { last { setLast(status: "on holiday") { status } } }', undefined, alice);
    await gw.gql("{ session { listResources } }", undefined, alice);
    const last = await gw.gql("{ last { getLast { status } } }", undefined, alice);
    expect(last.body.data.last.getLast.status).toBe("on holiday");
  });

  it("reports no sessions when only the gateway is connected, and sees a session end", async () => {
    const alice = await gw.sandbox.createUser();
    expect((await gw.gql(ALL, undefined, alice)).body).toEqual({ data: { session: { listResources: [], countResources: 0, listSessions: [] } } });
    await expectSessionToEnd(gw, alice);
  });

  it("is available for one round trip at priority -1 while asking, then unavailable, and takes nothing stored offline", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const bobClient = await gw.connect(bob!, { resource: "desk" });
    await bobClient.send(xml("message", { to: alice!.jid, type: "chat" }, xml("body", {}, "kept offline")));
    await bobClient.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    // Negative, so the phone hears its user's presence but is sent nothing stored offline.
    const phone = await gw.connect(alice!, { resource: "phone", presence: { priority: -5 } });
    await gw.gql("{ session { listResources } }", undefined, alice);
    const marker = await online(gw, alice!, "marker", { priority: -3 });
    await phone.waitFor((s) => s.name === "presence" && s.attrs.from === marker.jid);
    const fromGateway = phone.received.filter((s) => s.name === "presence" && s.attrs.from?.includes("/graphql-"));
    expect(fromGateway.map((s) => s.attrs.type ?? s.getChildText("priority"))).toEqual(["-1", "unavailable"]);
    // The offline message is still there for the user's next client with priority >= 0.
    const later = await gw.connect(alice!, { resource: "later", presence: { priority: 0 } });
    await later.waitFor((s) => s.name === "message" && s.getChildText("body") === "kept offline");
  });
});

/** A session of the user comes online, is listed, goes away, and the count follows. */
async function expectSessionToEnd(gw: TestGateway, user: SandboxUser): Promise<void> {
  const phone = await online(gw, user, "phone", { priority: 0 });
  expect((await gw.gql("{ session { listResources } }", undefined, user)).body.data.session.listResources).toEqual(["phone"]);
  await phone.close();
  await expect
    .poll(async () => (await gw.gql("{ session { countResources } }", undefined, user)).body.data.session.countResources)
    .toBe(0);
}
