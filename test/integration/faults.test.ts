import { readFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";

// XMPP servers that misbehave: one that accepts TCP and never answers, and a real
// server (Prosody or ejabberd, see XMPP_SERVER) frozen mid-session (SIGSTOP). Requests fail fast with stable codes, the
// gateway stays up, and it recovers when the server does.

describe("a server that accepts connections and never answers", () => {
  let blackHole: Server;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    blackHole = createServer((socket) => {
      sockets.push(socket);
      socket.on("error", () => undefined);
      socket.resume(); // read and ignore everything, so the client's close is noticed
    });
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    port = (blackHole.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => blackHole.close(() => resolve()));
  });
  // Registered after the hooks above: starts once the black hole listens, stops before it closes.
  const gw = useGateway(() => ({ XMPP_SERVICE: `xmpp://127.0.0.1:${port}`, XMPP_CONNECT_TIMEOUT_MS: "800" }));

  it("answers 503 xmpp_unavailable within the connect timeout, every time, and holds no connection", async () => {
    const user = { username: "alice", password: "pw", jid: "alice@localhost" };
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const r = await gw.gql("{ roster { listContacts { jid } } }", undefined, user);
      expect(r.status).toBe(503);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("xmpp_unavailable");
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    // Each failed login closed its socket: nothing piles up.
    expect(sockets.length).toBe(3);
    await expect.poll(() => sockets.filter((s) => !s.destroyed).length).toBe(0);
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
  });
});

describe("a server that stops answering mid-session", () => {
  const gw = useGateway({ XMPP_IQ_TIMEOUT_MS: "700" });

  it("times requests out with `timeout` while frozen and serves them again once it resumes", async () => {
    const alice = await gw.sandbox.createUser();
    expect((await gw.gql("{ roster { listContacts { jid } } }", undefined, alice)).status).toBe(200);
    const pid = Number(readFileSync(join(gw.sandbox.dir, `${SERVER}.pid`), "utf8").trim());
    process.kill(pid, "SIGSTOP");
    try {
      const frozen = await Promise.all(Array.from({ length: 5 }, () => gw.gql("{ roster { listContacts { jid } } }", undefined, alice)));
      for (const r of frozen) {
        expect(r.status).toBe(200);
        expect(r.body.errors?.[0]?.extensions?.code).toBe("timeout");
      }
    } finally {
      process.kill(pid, "SIGCONT");
    }
    await expect.poll(async () => (await gw.gql("{ roster { listContacts { jid } } }", undefined, alice)).body.data?.roster.listContacts, { timeout: 10_000 }).toEqual([]);
  });
});
