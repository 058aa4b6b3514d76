import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadOrCreateTokenSecret } from "../../src/token/token-secret.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "xg-secret-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the generated token secret", () => {
  it("is created once, 43 base64url characters in a file only its owner can read", async () => {
    const path = join(dir, "data", "token-secret");
    const first = await loadOrCreateTokenSecret(path);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateTokenSecret(path)).toBe(first);
  });

  it("is one secret when several gateways create it at once", async () => {
    const path = join(dir, "token-secret");
    const secrets = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateTokenSecret(path)));
    expect(new Set(secrets).size).toBe(1);
  });

  it("refuses a file too short to be a secret rather than sealing with it", async () => {
    const path = join(dir, "token-secret");
    writeFileSync(path, "short\n", { mode: 0o600 });
    await expect(loadOrCreateTokenSecret(path)).rejects.toThrow(/fewer than 32 characters/);
  });
});
