import { describe, expect, it } from "vitest";
import { MemoryLoginThrottle } from "../../src/auth/login-throttle.js";

describe("MemoryLoginThrottle", () => {
  it("blocks a user at its limit until the window ends, and forgets on success", async () => {
    let now = 1_000_000;
    const throttle = new MemoryLoginThrottle({ perUser: 2, perIp: 100, windowS: 60 }, () => now);
    await throttle.failed("a@x", "1.1.1.1");
    expect(await throttle.blockedFor("a@x", "1.1.1.1")).toBeUndefined();
    await throttle.failed("a@x", "2.2.2.2");
    expect(await throttle.blockedFor("a@x", "3.3.3.3")).toBe(60);
    expect(await throttle.blockedFor("b@x", "3.3.3.3")).toBeUndefined();
    now += 59_500;
    expect(await throttle.blockedFor("a@x", "3.3.3.3")).toBe(1);
    now += 1_000;
    expect(await throttle.blockedFor("a@x", "3.3.3.3")).toBeUndefined();
    await throttle.failed("a@x", "1.1.1.1");
    await throttle.failed("a@x", "1.1.1.1");
    await throttle.succeeded("a@x");
    expect(await throttle.blockedFor("a@x", "9.9.9.9")).toBeUndefined();
    await throttle.close();
  });

  it("blocks an address at its limit across users, and counts token failures by address only", async () => {
    const throttle = new MemoryLoginThrottle({ perUser: 100, perIp: 3, windowS: 60 }, () => 0);
    await throttle.failed("a@x", "1.1.1.1");
    await throttle.failed("b@x", "1.1.1.1");
    await throttle.failed(undefined, "1.1.1.1");
    expect(await throttle.blockedFor("c@x", "1.1.1.1")).toBe(60);
    expect(await throttle.blockedFor("c@x", "2.2.2.2")).toBeUndefined();
    await throttle.close();
  });
});
