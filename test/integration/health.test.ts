import { describe, expect, it } from "vitest";
import { useGateway } from "../support/use-gateway.js";

// Liveness and readiness (issue 17 item 4): /readyz follows the XMPP server.
const gw = useGateway();

/** Polls /readyz until it answers `status` (each poll is a real probe; no fixed sleep decides). */
async function readyzBecomes(status: number, timeoutMs = 15_000): Promise<{ status: string; checks: Record<string, string> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${gw.url}/readyz`);
    const body = await response.json();
    if (response.status === status) return body;
    if (Date.now() > deadline) throw new Error(`/readyz still ${response.status} after ${timeoutMs} ms: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("/healthz and /readyz", () => {
  it("/readyz is 200 while the XMPP server accepts streams, 503 while it is down, 200 again after it restarts", async () => {
    const ready = await readyzBecomes(200, 1);
    expect(ready).toEqual({ status: "ready", checks: { shutdown: "ok", xmpp: "ok", store: "not configured" } });
    await gw.sandbox.kill();
    const down = await readyzBecomes(503);
    expect(down.status).toBe("unavailable");
    expect(down.checks.xmpp).toMatch(/^unavailable: /);
    // Liveness is the process's own: a balancer must not restart it for the XMPP server's sake.
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    await gw.sandbox.restart();
    expect((await readyzBecomes(200)).status).toBe("ready");
  }, 60_000);
});
