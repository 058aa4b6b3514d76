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
    const phone = await online(gw, alice, "phone", { priority: 0 });
    expect((await gw.gql("{ session { listResources } }", undefined, alice)).body.data.session.listResources).toEqual(["phone"]);
    await phone.close();
    await expect
      .poll(async () => (await gw.gql("{ session { countResources } }", undefined, alice)).body.data.session.countResources)
      .toBe(0);
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
describe.runIf(SERVER === "prosody")("session on Prosody (which does not list a user's sessions)", () => {
  const gw = useGateway();

  it("answers deps_not_loaded for every field rather than a wrong empty list", async () => {
    const alice = await gw.sandbox.createUser();
    await fourClients(gw, alice);
    const r = await gw.gql(ALL, undefined, alice);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ session: { listResources: null, countResources: null, listSessions: null } });
    expect(r.body.errors).toHaveLength(3);
    for (const error of r.body.errors ?? []) {
      expect(error.extensions?.code).toBe("deps_not_loaded");
      expect(error.message).toContain("does not list a user's sessions");
    }
    expect(r.body.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining([["session", "listResources"], ["session", "countResources"], ["session", "listSessions"]]),
    );
  });

  it("does not announce the gateway's session to the user's clients while asking", async () => {
    const alice = await gw.sandbox.createUser();
    const phone = await gw.connect(alice, { resource: "phone" });
    await gw.gql("{ session { listResources } }", undefined, alice);
    // A stanza the phone receives after the request: the gateway's presence would arrive before it.
    const marker = await online(gw, alice, "marker", { priority: 0 });
    await phone.waitFor((s) => s.name === "presence" && s.attrs.from === marker.jid);
    expect(phone.received.filter((s) => s.name === "presence" && s.attrs.from?.includes("/graphql-"))).toEqual([]);
  });
});
