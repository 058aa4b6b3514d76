import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createLogger, prettyStream } from "../../src/logger.js";

function sink() {
  const lines: string[] = [];
  const stream = new Writable({ write(chunk, _e, done) { lines.push(...chunk.toString().split("\n").filter(Boolean)); done(); } });
  return { lines, stream };
}

describe("createLogger", () => {
  it("writes JSON lines with a level name and an ISO time, and redacts credentials a detail carries", () => {
    const { lines, stream } = sink();
    const logger = createLogger({ level: "info", destination: stream });
    logger.debug("hidden");
    logger.warn({ event: "x", password: "hunter2", headers: { authorization: "Basic abc" } }, "something");
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry).toMatchObject({ level: "warn", msg: "something", event: "x", password: "[redacted]", headers: { authorization: "[redacted]" } });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(lines[0]).not.toContain("hunter2");
  });

  it("formats short human lines for development", () => {
    const { lines, stream } = sink();
    createLogger({ level: "info", destination: prettyStream(stream) }).info({ event: "request", status: 200 }, "request");
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d INFO  request {2}event=request status=200$/);
  });
});
