import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { startGateway, basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import { subscribeWs } from "../support/subscribers.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const gw = useGateway();

const raw = (user: SandboxUser) => gw.connect(user, { resource: "observer" });

/** Sends a message through the gateway and returns the full JID the recipient saw it from. */
async function gatewayResourceOf(user: SandboxUser, observer: RawClient, body: string): Promise<string> {
  const r = await gw.gql("mutation($to: JID!, $b: String!) { stanza { sendMessage(to: $to, body: $b) { id } } }", { to: observer.jid, b: body }, user);
  expect(r.body.data?.stanza.sendMessage.id).toBeTruthy();
  const message = await observer.waitFor((s) => s.name === "message" && s.getChildText("body") === body);
  return message.attrs.from!;
}

describe("session pool", () => {
  it("shares one session, with a recognisable resource, between concurrent requests of a user", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const observer = await raw(bob!);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        gw.gql("mutation($to: JID!, $b: String!) { stanza { sendMessage(to: $to, body: $b) { id } } }", { to: observer.jid, b: `c${i}` }, alice),
      ),
    );
    expect(results.every((r) => r.status === 200 && r.body.data.stanza.sendMessage.id)).toBe(true);
    const senders = new Set<string>();
    for (let i = 0; i < 20; i++) {
      senders.add((await observer.waitFor((s) => s.name === "message" && s.getChildText("body") === `c${i}`)).attrs.from!);
    }
    expect(senders.size).toBe(1);
    expect([...senders][0]).toMatch(new RegExp(`^${alice!.jid}/graphql-[0-9a-f]+$`));
  });

  it("never lets a wrong password ride on an existing session, and keeps that session for the right one", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const observer = await raw(bob!);
    const before = await gatewayResourceOf(alice!, observer, "first");
    const wrong = await gw.gql("{ roster { listContacts { jid } } }", undefined, { ...alice!, password: alice!.password + "x" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
    const after = await gatewayResourceOf(alice!, observer, "second");
    expect(after).toBe(before);
  });

  it("closes idle sessions and logs in again on the next request", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const observer = await raw(bob!);
    const before = await gatewayResourceOf(alice!, observer, "before idle");
    gw.app.pool.closeIdle(Date.now() + gw.config.pool.idleTimeoutMs + 1);
    expect(gw.app.pool.has(alice!.jid)).toBe(false);
    const after = await gatewayResourceOf(alice!, observer, "after idle");
    expect(after).not.toBe(before);
    expect(after.startsWith(`${alice!.jid}/graphql-`)).toBe(true);
  });

  it("evicts the least recently used idle session at the size cap, but never a subscribed one", async () => {
    const small = await startGateway({ POOL_MAX_SESSIONS: "2" }, gw.sandbox);
    try {
      const [a, b, c] = await gw.sandbox.createUsers(3);
      const sub = await subscribeWs(small.url, { Authorization: basicAuth(a!) });
      await expect.poll(() => small.app.pool.has(a!.jid)).toBe(true);
      await small.gql("{ checkAuth { authStatus } }", undefined, b);
      await small.gql("{ checkAuth { authStatus } }", undefined, c);
      expect(small.app.pool.has(a!.jid)).toBe(true);
      expect(small.app.pool.has(b!.jid)).toBe(false);
      expect(small.app.pool.has(c!.jid)).toBe(true);
      await sub.stop();
    } finally {
      await small.stop();
    }
  });
});

describe("when the XMPP server cannot be reached", () => {
  it("fails fast with 503 xmpp_unavailable and stays up", async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const down = await startGateway({ XMPP_SERVICE: `xmpp://127.0.0.1:${closedPort}`, XMPP_CONNECT_TIMEOUT_MS: "2000" }, gw.sandbox);
    try {
      const user = { username: "alice", password: "x", jid: "alice@localhost" };
      const r = await down.gql("{ roster { listContacts { jid } } }", undefined, user);
      expect(r.status).toBe(503);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("xmpp_unavailable");
      const anonymous = await down.gql("{ checkAuth { authStatus } }");
      expect(anonymous.body.data.checkAuth.authStatus).toBe("UNAUTHORIZED");
    } finally {
      await down.stop();
    }
  });
});

describe("process", () => {
  it("exits 0 on SIGTERM after closing its XMPP sessions", async () => {
    const alice = await gw.sandbox.createUser();
    const observer = await raw(alice);
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, XMPP_SERVICE: gw.sandbox.service, XMPP_DOMAIN: gw.sandbox.domain, PORT: "0", LOG_LEVEL: "info" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start: ${stderr}`)), 20_000);
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on (http:\/\/[^/\s]+)/.exec(stderr);
        if (match) { clearTimeout(timer); resolve(match[1]!); }
      });
    });
    // A live subscription makes the session visible to the user's other client.
    const sub = await subscribeWs(url, { Authorization: basicAuth(alice) });
    const online = await observer.waitFor((s) => s.name === "presence" && (s.attrs.from ?? "").includes("/graphql-") && !s.attrs.type);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    await observer.waitFor((s) => s.name === "presence" && s.attrs.from === online.attrs.from && s.attrs.type === "unavailable");
    await sub.stop();
  });
});
