import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";
import { startGateway,  type TestGateway } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { subscribeSse, subscribeWs } from "../support/subscribers.js";
import { startRedis, type RedisSandbox } from "../support/redis.js";

const SECRET = "test-secret-that-is-long-enough-0123456789";
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "xg-tokens-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const gw = useGateway(() => ({ TOKEN_SECRET: SECRET, TOKEN_STORE_PATH: join(dir, "revocations.json") }));

const REQUEST = "mutation { token { requestToken { access refresh } } }";
const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function tokensFor(g: TestGateway, user: SandboxUser): Promise<{ access: string; refresh: string }> {
  const r = await g.gql(REQUEST, undefined, user);
  expect(r.body.errors).toBeUndefined();
  return r.body.data.token.requestToken;
}

describe("tokens", () => {
  it("an access token authenticates HTTP, graphql-ws and SSE as the user", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const { access, refresh } = await tokensFor(gw, alice!);
    expect(access).toMatch(/^xg1\./);
    expect(refresh).toMatch(/^xg1\./);
    expect(access).not.toBe(refresh);

    const who = await gw.gql("{ checkAuth { username authStatus } }", undefined, null, bearer(access));
    expect(who.body.data.checkAuth).toEqual({ username: alice!.jid, authStatus: "AUTHORIZED" });
    const added = await gw.gql("mutation($c: JID!) { roster { addContact(contact: $c) } }", { c: bob!.jid }, null, bearer(access));
    expect(added.body.data.roster.addContact).toBe("Contact added successfully");

    const ws = await subscribeWs(gw.url, { Authorization: `Bearer ${access}` }, "{ checkAuth { username } }");
    expect((await ws.waitFor((e) => e.data)).data.checkAuth.username).toBe(alice!.jid);
    await ws.stop();

    const sse = await subscribeSse(gw.url, `Bearer ${access}`);
    expect(sse.status).toBe(200);
    await sse.stop();
  });

  it("never carries the password: the token is sealed and holds no trace of it", async () => {
    const alice = await gw.sandbox.createUser(undefined, "very-recognisable-password");
    const { access, refresh } = await tokensFor(gw, alice);
    for (const token of [access, refresh]) {
      const bytes = Buffer.from(token.slice(4), "base64url");
      expect(bytes.includes(Buffer.from(alice.password))).toBe(false);
      expect(bytes.includes(Buffer.from(alice.jid))).toBe(false);
    }
  });

  it("a refresh token only buys a new access token", async () => {
    const alice = await gw.sandbox.createUser();
    const first = await tokensFor(gw, alice);
    const refreshed = await gw.gql(REQUEST, undefined, null, bearer(first.refresh));
    const second = refreshed.body.data.token.requestToken;
    expect(second.refresh).toBe(first.refresh);
    expect(second.access).not.toBe(first.access);
    const ok = await gw.gql("{ roster { listContacts { jid } } }", undefined, null, bearer(second.access));
    expect(ok.body.data.roster.listContacts).toEqual([]);
    const refused = await gw.gql("{ roster { listContacts { jid } } }", undefined, null, bearer(first.refresh));
    expect(refused.status).toBe(200);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe("no_permissions");
  });

  it("revokeToken kills every token of the user at once; a second revoke finds none", async () => {
    const alice = await gw.sandbox.createUser();
    const a = await tokensFor(gw, alice);
    const b = await tokensFor(gw, alice);
    const revoked = await gw.gql("mutation { token { revokeToken } }", undefined, null, bearer(a.access));
    expect(revoked.body.data.token.revokeToken).toBe("Revoked");
    for (const token of [a.access, a.refresh, b.access, b.refresh]) {
      const r = await gw.gql("{ checkAuth { authStatus } }", undefined, null, bearer(token));
      expect(r.status).toBe(401);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
    }
    const again = await gw.gql("mutation { token { revokeToken } }", undefined, alice);
    expect(again.body.errors?.[0]).toMatchObject({ message: "User or token not found", extensions: { code: "not_found" } });
    const fresh = await tokensFor(gw, alice);
    expect((await gw.gql("{ checkAuth { authStatus } }", undefined, null, bearer(fresh.access))).status).toBe(200);
  });

  it("revocation survives a restart of the gateway; live tokens keep working", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const revokedToken = (await tokensFor(gw, alice!)).access;
    await gw.gql("mutation { token { revokeToken } }", undefined, alice);
    const liveToken = (await tokensFor(gw, bob!)).access;
    const restarted = await startGateway({ TOKEN_SECRET: SECRET, TOKEN_STORE_PATH: join(dir, "revocations.json") }, gw.sandbox);
    try {
      expect((await restarted.gql("{ checkAuth { authStatus } }", undefined, null, bearer(revokedToken))).status).toBe(401);
      expect((await restarted.gql("{ checkAuth { authStatus } }", undefined, null, bearer(liveToken))).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
    } finally {
      await restarted.stop();
    }
  });

  it("a password change makes old tokens fail", async () => {
    const alice = await gw.sandbox.createUser();
    const { access } = await tokensFor(gw, alice);
    const raw = await gw.connect(alice, { presence: false });
    await raw.iq(xml("iq", { type: "set", to: gw.sandbox.domain }, xml("query", { xmlns: "jabber:iq:register" },
      xml("username", {}, alice.username), xml("password", {}, "a-brand-new-password"))));
    await raw.stop();
    await gw.app.pool.drop(alice.jid); // the pooled session was opened before the change
    const r = await gw.gql("{ checkAuth { authStatus } }", undefined, null, bearer(access));
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
  });

  it("refuses tokens it did not seal, and tampered ones", async () => {
    const alice = await gw.sandbox.createUser();
    const { access } = await tokensFor(gw, alice);
    const tampered = access.slice(0, -2) + (access.endsWith("A") ? "BB" : "AA");
    for (const token of ["nonsense", "xg1.AAAA", tampered]) {
      expect((await gw.gql("{ checkAuth { authStatus } }", undefined, null, bearer(token))).status).toBe(401);
    }
    const other = await startGateway({ TOKEN_SECRET: "another-secret-that-is-long-enough-987654", TOKEN_STORE_PATH: join(dir, "other.json") }, gw.sandbox);
    try {
      expect((await other.gql("{ checkAuth { authStatus } }", undefined, null, bearer(access))).status).toBe(401);
    } finally {
      await other.stop();
    }
  });

  it("without TOKEN_SECRET, tokens work out of the box and survive a restart", async () => {
    const settings = { TOKEN_STORE_PATH: join(dir, "plain", "revocations.json") };
    const alice = await gw.sandbox.createUser();
    const plain = await startGateway(settings, gw.sandbox);
    let access: string;
    try {
      access = (await tokensFor(plain, alice)).access;
      expect((await plain.gql("{ checkAuth { username } }", undefined, null, bearer(access))).body.data.checkAuth.username).toBe(alice.jid);
    } finally {
      await plain.stop();
    }
    // The generated secret sits in the data directory, readable by the gateway's user only.
    expect(statSync(join(dir, "plain", "token-secret")).mode & 0o777).toBe(0o600);
    const restarted = await startGateway(settings, gw.sandbox);
    try {
      expect((await restarted.gql("{ checkAuth { username } }", undefined, null, bearer(access))).body.data.checkAuth.username).toBe(alice.jid);
    } finally {
      await restarted.stop();
    }
  });
});

describe("tokens with Redis (REDIS_URL)", () => {
  let redis: RedisSandbox;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => redis?.stop());

  it("two gateway instances share revocations", async () => {
    const settings = { TOKEN_SECRET: SECRET, REDIS_URL: redis.url };
    const one = await startGateway(settings, gw.sandbox);
    const two = await startGateway(settings, gw.sandbox);
    try {
      const alice = await gw.sandbox.createUser();
      const { access } = await tokensFor(one, alice);
      expect((await two.gql("{ checkAuth { authStatus } }", undefined, null, bearer(access))).status).toBe(200);
      expect((await two.gql("mutation { token { revokeToken } }", undefined, alice)).body.data.token.revokeToken).toBe("Revoked");
      expect((await one.gql("{ checkAuth { authStatus } }", undefined, null, bearer(access))).status).toBe(401);
      expect((await two.gql("mutation { token { revokeToken } }", undefined, alice)).body.errors?.[0]?.extensions?.code).toBe("not_found");
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  it("two gateway instances share failed-login counts", async () => {
    const settings = { TOKEN_SECRET: SECRET, REDIS_URL: redis.url, LOGIN_FAILURES_PER_USER: "2", LOGIN_FAILURES_PER_IP: "1000" };
    const one = await startGateway(settings, gw.sandbox);
    const two = await startGateway(settings, gw.sandbox);
    try {
      const alice = await gw.sandbox.createUser();
      const wrong = { ...alice, password: "guess" };
      expect((await one.gql("{ checkAuth { authStatus } }", undefined, wrong)).status).toBe(401);
      expect((await two.gql("{ checkAuth { authStatus } }", undefined, wrong)).status).toBe(401);
      const blocked = await one.gql("{ checkAuth { authStatus } }", undefined, alice);
      expect(blocked.status).toBe(429);
      expect(blocked.body.errors?.[0]?.extensions?.code).toBe("too_many_failed_logins");
    } finally {
      await one.stop();
      await two.stop();
    }
  });
});
