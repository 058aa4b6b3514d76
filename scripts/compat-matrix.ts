/**
 * Writes the README's compatibility matrix from the last test run's record
 * (test-results/compat-record.json, written by `npm test`), or with `--check` fails when
 * the README's matrix is not what that record gives (CI runs the check after the tests).
 *
 *   npm test && npm run compat:matrix     # refresh the README
 *   npm run compat:check                  # exit 1 if stale, or if the run was not clean
 */
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildMatrix, spliceReadme } from "./compat/matrix.js";
import { MATRIX_ROWS } from "./compat/notes.js";
import { listOperations } from "./compat/operations.js";
import { readRecord, RECORD_PATH, REPO_ROOT } from "./compat/record.js";

const check = process.argv.includes("--check");
const readmePath = resolve(REPO_ROOT, "README.md");

const { markdown, problems } = buildMatrix(readRecord(), MATRIX_ROWS, listOperations());
const readme = readFileSync(readmePath, "utf8");
const updated = spliceReadme(readme, markdown);

for (const problem of problems) process.stderr.write(`compat matrix: ${problem}\n`);
if (problems.length > 0) {
  process.stderr.write(`compat matrix: ${problems.length} problem(s) in the record ${RECORD_PATH} and scripts/compat/notes.ts\n`);
}
if (check) {
  if (updated !== readme) {
    process.stderr.write("compat matrix: README.md's matrix is stale; run `npm run compat:matrix` after `npm test` and commit it\n");
    process.exit(1);
  }
  if (problems.length === 0) process.stdout.write("compat matrix: README.md matches the test run\n");
} else if (updated !== readme) {
  writeFileSync(readmePath, updated);
  process.stdout.write("compat matrix: README.md updated\n");
} else {
  process.stdout.write("compat matrix: README.md already current\n");
}
process.exit(problems.length > 0 ? 1 : 0);
