import { describe, expect, it } from "vitest";
import { runSoak } from "../support/soak.js";

// The CI-sized soaks: 30 s of messages to 100 live subscribers while others query, then
// the same in short on events.stream.
// `npm run soak` runs the long one (scripts/soak.ts).
describe("soak (30 s)", () => {
  it("delivers every message exactly once and answers every query", async () => {
    const report = await runSoak({ subscribers: 100, seconds: 30, ratePerSecond: 50 });
    console.log(`soak: ${JSON.stringify(report)}`);
    expect(report.sent).toBeGreaterThan(1000);
    expect(report.received).toBe(report.sent);
    expect(report.missing).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.subscriptionErrors).toBe(0);
    expect(report.queryErrors).toBe(0);
    expect(report.queries).toBeGreaterThan(0);
  }, 300_000);

  // events.stream: messages and the contacts' presence changes, 15 s to keep CI short.
  it("events.stream delivers every message exactly once, and the contacts' presence changes", async () => {
    const report = await runSoak({ subscribers: 50, seconds: 15, ratePerSecond: 40, stream: "events" });
    console.log(`soak events: ${JSON.stringify(report)}`);
    expect(report.sent).toBeGreaterThan(400);
    expect(report.received).toBe(report.sent);
    expect(report.missing).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.subscriptionErrors).toBe(0);
    expect(report.subscribersWithoutPresence).toBe(0);
    expect(report.presenceEvents).toBeGreaterThanOrEqual(50 * 3);
  }, 300_000);
});
