import { describe, expect, it } from "vitest";
import { createReadiness } from "../../src/health/readiness.js";

describe("createReadiness", () => {
  it("trusts a successful XMPP probe for a while, never a failed one, and shares a running probe", async () => {
    let clock = 0;
    let probes = 0;
    let up = true;
    const readiness = createReadiness({
      stopping: () => false,
      xmpp: async () => {
        probes += 1;
        if (!up) throw new Error("connection refused");
      },
    }, 1000, () => clock);
    const [a, b] = await Promise.all([readiness.check(), readiness.check()]);
    expect(a).toEqual({ ready: true, checks: { shutdown: "ok", xmpp: "ok", store: "not configured" } });
    expect(b.ready).toBe(true);
    expect(probes).toBe(1);
    up = false;
    clock = 999;
    expect((await readiness.check()).ready).toBe(true);
    clock = 1000;
    expect(await readiness.check()).toEqual({ ready: false, checks: { shutdown: "ok", xmpp: "unavailable: connection refused", store: "not configured" } });
    up = true;
    expect((await readiness.check()).ready).toBe(true);
    expect(probes).toBe(3);
  });

  it("is not ready while stopping or when the configured store does not answer", async () => {
    let stopping = false;
    const readiness = createReadiness({ stopping: () => stopping, xmpp: async () => undefined, store: async () => { throw new Error("ECONNREFUSED"); } });
    expect(await readiness.check()).toEqual({ ready: false, checks: { shutdown: "ok", xmpp: "ok", store: "unavailable: ECONNREFUSED" } });
    stopping = true;
    expect(await readiness.check()).toEqual({ ready: false, checks: { shutdown: "stopping" } });
  });
});
