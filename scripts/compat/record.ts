/**
 * The test run's compatibility record: for each integration test module, per server
 * project, each test's result and the operation calls it made (test/support/compat-record.ts
 * collects them, test/support/compat-reporter.ts writes this file). The README's matrix
 * is generated from it by scripts/compat-matrix.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type Server = "prosody" | "ejabberd";
export const SERVERS: readonly Server[] = ["prosody", "ejabberd"];

export interface RecordedCall {
  server: Server;
  operation: string;
  outcome: "ok" | { code: string };
}

export interface RecordedTest {
  name: string;
  state: "passed" | "failed";
  calls: RecordedCall[];
}

/** Keyed by `<project>:<module path relative to the repository>`. */
export interface CompatRecord {
  version: 1;
  modules: Record<string, RecordedTest[]>;
}

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const RECORD_PATH = resolve(REPO_ROOT, "test-results/compat-record.json");

export function readRecord(path = RECORD_PATH): CompatRecord {
  if (!existsSync(path)) return { version: 1, modules: {} };
  const parsed = JSON.parse(readFileSync(path, "utf8")) as CompatRecord;
  if (parsed.version !== 1 || typeof parsed.modules !== "object") throw new Error(`${path} is not a version 1 compatibility record`);
  return parsed;
}

/**
 * Replaces the entries of the modules that ran and keeps the others, so that running one
 * file refreshes its part of the record without losing the rest. Empty entries and those
 * of test files that no longer exist are dropped.
 */
export function mergeRecord(previous: CompatRecord, ran: Record<string, RecordedTest[]>): CompatRecord {
  const modules: Record<string, RecordedTest[]> = {};
  for (const [key, tests] of Object.entries({ ...previous.modules, ...ran })) {
    const file = key.slice(key.indexOf(":") + 1);
    if (tests.length > 0 && existsSync(resolve(REPO_ROOT, file))) modules[key] = tests;
  }
  return { version: 1, modules: Object.fromEntries(Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) };
}

export function writeRecord(record: CompatRecord, path = RECORD_PATH): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(record, null, 1) + "\n");
}
