import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { prng, randomRequest } from "../support/fuzz-cases.js";

// Hostile and malformed input: every answer is bounded in time, carries an
// extensions.code when it is an error, and the process stays up. FUZZ_REQUESTS raises
// the count for an on-demand run (npm run fuzz).
const COUNT = Number(process.env.FUZZ_REQUESTS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const gw = useGateway({ MAX_BODY_BYTES: "65536", LOGIN_FAILURES_PER_USER: "1000000", LOGIN_FAILURES_PER_IP: "1000000" });

describe("fuzzed HTTP requests", () => {
  it(`${COUNT} hostile requests: no crash, no hang, every error has a code`, async () => {
    const alice = await gw.sandbox.createUser();
    const r = prng(SEED);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < COUNT; i++) {
      const request = randomRequest(r, basicAuth(alice));
      const abort = AbortSignal.timeout(10_000);
      let response: Response;
      try {
        response = await fetch(gw.url + request.path, { method: request.method, headers: request.headers, body: request.body, signal: abort });
      } catch (error) {
        problems.push(`#${i} ${request.method} ${request.path.slice(0, 80)}: ${(error as Error).message}`);
        continue;
      }
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      const type = response.headers.get("content-type") ?? "";
      if (type.startsWith("text/event-stream")) {
        await response.body?.cancel();
        continue;
      }
      const text = await response.text();
      if (response.status >= 500) problems.push(`#${i} status ${response.status}: ${text.slice(0, 200)}`);
      // Node's own 431 (headers too large) never reaches the gateway's code.
      if (response.status >= 400 && response.status !== 431 && !type.includes("json")) {
        problems.push(`#${i} status ${response.status} without a JSON error body (${type || "no content-type"})`);
      }
      if (type.includes("json")) {
        let body: { errors?: Array<{ extensions?: { code?: unknown } }> };
        try {
          body = JSON.parse(text);
        } catch {
          problems.push(`#${i} invalid JSON answer: ${text.slice(0, 120)}`);
          continue;
        }
        for (const e of body.errors ?? []) {
          if (typeof e.extensions?.code !== "string") problems.push(`#${i} error without code: ${JSON.stringify(e).slice(0, 200)}`);
        }
      }
    }
    console.log(`fuzz: ${COUNT} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(problems.slice(0, 10)).toEqual([]);
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
  }, 300_000);
});

describe("fuzzed WebSocket frames", () => {
  it("junk frames close or error the socket without hurting the server", async () => {
    const r = prng(SEED + 1);
    const frames = [
      "not json", "{}", "[]", '{"type":"subscribe"}', '{"type":"connection_init","payload":"x"}',
      '{"type":"connection_init","payload":{"Authorization":"Basic !!!"}}', '{"type":"ping"}', "\u0000\u0001",
      '{"type":"subscribe","id":"1","payload":{"query":"{"}}', JSON.stringify({ type: "connection_init", payload: { Authorization: 42 } }),
    ];
    for (let i = 0; i < 60; i++) {
      const ws = new WebSocket(gw.url.replace("http", "ws") + "/api/graphql", "graphql-transport-ws");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { ws.terminate(); resolve(); }, 3000);
        ws.on("open", () => {
          for (let k = 0; k < 3; k++) ws.send(frames[Math.floor(r() * frames.length)]!);
          if (r() < 0.3) ws.send(Buffer.from([0xff, 0xfe, 0x00]));
        });
        ws.on("close", () => { clearTimeout(timer); resolve(); });
        ws.on("error", () => undefined);
        ws.on("message", () => undefined);
      });
    }
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
  }, 120_000);
});
