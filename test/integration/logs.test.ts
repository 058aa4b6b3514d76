import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { subscribeWs, untilLive } from "../support/subscribers.js";
import { createApp, type App } from "../../src/app.js";
import { createLogger } from "../../src/logger.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// Structured logs (issue 17 item 2): the lines a request, a failed login, an XMPP session
// and a subscription leave, read from the logger's own stream, and no secret in any line.
const gw = useGateway();
const lines: string[] = [];
const entries = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
let app: App;
let url: string;
let alice: SandboxUser;
let bob: SandboxUser;

beforeAll(async () => {
  const sink = new Writable({ write(chunk, _encoding, done) { lines.push(...chunk.toString().split("\n").filter(Boolean)); done(); } });
  app = createApp({ ...gw.config, http: { ...gw.config.http, port: 0 } }, { logger: createLogger({ level: "info", destination: sink }) });
  url = await app.start();
  [alice, bob] = await gw.sandbox.createUsers(2) as [SandboxUser, SandboxUser];
});
afterAll(() => app?.stop());

const post = (query: string, authorization: string | undefined, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization && { authorization }), ...headers },
    body: JSON.stringify({ query }),
  });

/** Waits until a line matching `predicate` was written (the logger writes synchronously; this covers `close` events). */
async function lineWhere(predicate: (entry: Record<string, any>) => boolean, timeoutMs = 5000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = entries().find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no such log line; got\n${lines.join("\n")}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("logs", () => {
  it("writes one JSON access line per request, with the client's request id echoed back", async () => {
    const response = await post("query Who { checkAuth { username } }", basicAuth(alice), { "x-request-id": "req-42" });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-42");
    const line = await lineWhere((e) => e.event === "request" && e.requestId === "req-42");
    expect(line).toMatchObject({
      level: "info", transport: "http", method: "POST", path: "/api/graphql", status: 200,
      operationName: "Who", operationType: "query", user: alice.jid, clientIp: "127.0.0.1",
    });
    expect(typeof line.durationMs).toBe("number");
    expect(typeof line.time).toBe("string");
    // Without one, the gateway makes one up and sends it back.
    const other = await post("{ __typename }", undefined);
    expect(other.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(entries().filter((e) => e.event === "request" && e.requestId === other.headers.get("x-request-id"))).toHaveLength(1);
  });

  it("logs a failed login with the user and the client address, and its 401 access line", async () => {
    const response = await post("{ checkAuth { username } }", basicAuth({ ...alice, password: "not-the-password" }), { "x-request-id": "req-bad" });
    expect(response.status).toBe(401);
    const failed = await lineWhere((e) => e.event === "login_failed" && e.user === alice.jid);
    expect(failed).toMatchObject({ level: "warn", clientIp: "127.0.0.1", reason: "refused by the XMPP server" });
    expect(await lineWhere((e) => e.event === "request" && e.requestId === "req-bad")).toMatchObject({ status: 401 });
  });

  it("logs XMPP connects and subscription start and end (graphql-ws)", async () => {
    await lineWhere((e) => e.event === "xmpp_connected" && e.user === alice.jid);
    const sub = await subscribeWs(url, { Authorization: basicAuth(bob) }, "subscription Incoming { stanza { subscribeForMessages { stanza } } }");
    await untilLive(
      sub,
      async (body) => void (await post(`mutation { stanza { sendMessage(to: "${bob.jid}", body: "${body}") { id } } }`, basicAuth(alice))),
      (e) => /<body>([^<]*)<\/body>/.exec(e.data?.stanza?.subscribeForMessages?.stanza ?? "")?.[1],
    );
    expect(await lineWhere((e) => e.event === "subscription_start" && e.user === bob.jid)).toMatchObject({ transport: "ws", operationName: "Incoming" });
    await sub.stop();
    await lineWhere((e) => e.event === "subscription_end" && e.user === bob.jid);
    expect(await lineWhere((e) => e.event === "request" && e.transport === "ws" && e.user === bob.jid)).toMatchObject({ operationType: "subscription" });
  });

  it("never writes a password, a token or an Authorization value", async () => {
    const secrets = [alice.password, bob.password, "not-the-password", basicAuth(alice).slice(6), basicAuth({ ...alice, password: "not-the-password" }).slice(6)];
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
  });
});
