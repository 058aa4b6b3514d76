/**
 * A vitest reporter that writes the compatibility record (scripts/compat/record.ts): for
 * every test module that ran, each finished test's state and the operation calls it made.
 * Registered in vitest.config.ts beside the default reporter.
 */
import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";
import { mergeRecord, readRecord, REPO_ROOT, writeRecord, type RecordedTest } from "../../scripts/compat/record.js";
import "./compat-record.js";

export default class CompatReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const ran: Record<string, RecordedTest[]> = {};
    for (const module of testModules) {
      const tests: RecordedTest[] = [];
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state !== "passed" && state !== "failed") continue;
        const calls = test.meta().compat ?? [];
        // Failed tests stay even without calls: the matrix refuses a run that was not green.
        if (calls.length > 0 || state === "failed") tests.push({ name: test.fullName, state, calls });
      }
      // An empty list still replaces what an earlier run recorded for this module.
      ran[`${module.project.name}:${relative(REPO_ROOT, module.moduleId)}`] = tests;
    }
    writeRecord(mergeRecord(readRecord(), ran));
  }
}
