/**
 * Builds the README's compatibility matrix from the test run's record (record.ts) and the
 * notes (notes.ts): each operation's status on each server is what the tests saw, and a
 * note the record contradicts is a problem, not a cell.
 */
import { SERVERS, type CompatRecord, type Server } from "./record.js";
import type { MatrixRow } from "./notes.js";

/** What the record says about one operation on one server. */
export type Observed =
  | { kind: "failing"; tests: string[] }
  | { kind: "untested" }
  | { kind: "works" }
  | { kind: "errors"; codes: string[] };

export function observe(record: CompatRecord, server: Server, operation: string): Observed {
  let ok = false;
  const codes = new Set<string>();
  const failing: string[] = [];
  for (const tests of Object.values(record.modules)) {
    for (const test of tests) {
      const calls = test.calls.filter((c) => c.server === server && c.operation === operation);
      if (calls.length === 0) continue;
      if (test.state === "failed") failing.push(test.name);
      for (const call of calls) {
        if (call.outcome === "ok") ok = true;
        else codes.add(call.outcome.code);
      }
    }
  }
  if (failing.length > 0) return { kind: "failing", tests: failing };
  if (ok) return { kind: "works" };
  if (codes.size > 0) return { kind: "errors", codes: [...codes].sort() };
  return { kind: "untested" };
}

export interface Matrix {
  markdown: string;
  /** Why the record and the notes do not make a clean matrix; empty when they do. */
  problems: string[];
}

export const LEGEND =
  "✅ works · ⚠️ works, with the difference named (details in docs/compatibility.md) · ⛔ answers the documented error on that server · " +
  "❌ a test failed · ❔ no test exercised it";

/**
 * Resolves each row's `namespace.operation` names against the SDL's operations
 * (`Query.roster.listContacts`); every operation must be in exactly one row.
 */
export function resolveRows(rows: MatrixRow[], operations: string[]): { resolved: string[][]; problems: string[] } {
  const problems: string[] = [];
  const seen = new Set<string>();
  const resolved = rows.map((row) =>
    row.operations.map((short) => {
      const matches = operations.filter((op) => op.slice(op.indexOf(".") + 1) === short);
      if (matches.length !== 1) {
        problems.push(`notes name "${short}", which matches ${matches.length} operations of the schema`);
        return short;
      }
      if (seen.has(matches[0]!)) problems.push(`"${short}" is in more than one row of the notes`);
      seen.add(matches[0]!);
      return matches[0]!;
    }),
  );
  for (const op of operations) if (!seen.has(op)) problems.push(`${op} has no row in scripts/compat/notes.ts`);
  return { resolved, problems };
}

function cell(row: MatrixRow, server: Server, operation: string, observed: Observed, problems: string[]): string {
  const name = `${operation} on ${server}`;
  const documented = row.documentedError?.[server];
  switch (observed.kind) {
    case "failing":
      problems.push(`${name}: failing test(s): ${observed.tests.join("; ")}`);
      return "❌ failing";
    case "untested":
      problems.push(`${name}: no test called it`);
      return "❔ not tested";
    case "errors":
      if (!documented) {
        problems.push(`${name}: never worked in the tests (only ${observed.codes.join(", ")}) and no error is documented`);
        return `❌ only \`${observed.codes.join("`, `")}\``;
      }
      if (!observed.codes.includes(documented.code)) {
        problems.push(`${name}: documented error ${documented.code} but the tests saw ${observed.codes.join(", ")}`);
      }
      return `⛔ \`${documented.code}\`: ${documented.why}`;
    case "works": {
      if (documented) problems.push(`${name}: documented error ${documented.code}, but a test saw it work`);
      const notes = [row.difference?.all, row.difference?.[server]].filter((n): n is string => !!n);
      return notes.length > 0 ? `⚠️ ${notes.join("; ")}` : "✅";
    }
  }
}

/** The matrix table (legend and rows) for the record, with the problems found. */
export function buildMatrix(record: CompatRecord, rows: MatrixRow[], operations: string[]): Matrix {
  const { resolved, problems } = resolveRows(rows, operations);
  const lines = [
    LEGEND,
    "",
    `| namespace | operation | XMPP protocol | ${SERVERS.map(serverTitle).join(" | ")} |`,
    `|---|---|---|${SERVERS.map(() => "---|").join("")}`,
  ];
  rows.forEach((row, i) => {
    const ops = resolved[i]!;
    const cells = SERVERS.map((server) => {
      const perOp = ops.map((op) => cell(row, server, op, observe(record, server, op), problems));
      if (perOp.every((c) => c === perOp[0])) return perOp[0]!;
      return ops.map((op, j) => `\`${shortName(op)}\`: ${perOp[j]}`).join("<br>");
    });
    const names = ops.map((op) => `\`${shortName(op).split(".").pop()}\``).join(", ");
    lines.push(`| ${row.namespace} | ${names} | ${row.protocol} | ${cells.join(" | ")} |`);
  });
  return { markdown: lines.join("\n"), problems };
}

function shortName(operation: string): string {
  return operation.slice(operation.indexOf(".") + 1);
}

function serverTitle(server: Server): string {
  return server === "prosody" ? "Prosody" : "ejabberd";
}

export const MATRIX_START = "<!-- compat-matrix:start — generated by `npm run compat:matrix` from the last test run; do not edit by hand -->";
export const MATRIX_END = "<!-- compat-matrix:end -->";

/** The README with the text between the markers replaced by `markdown`. Throws when a marker is missing. */
export function spliceReadme(readme: string, markdown: string): string {
  const start = readme.indexOf(MATRIX_START);
  const end = readme.indexOf(MATRIX_END);
  if (start === -1 || end === -1 || end < start) throw new Error("README.md lacks the compat-matrix markers");
  return readme.slice(0, start + MATRIX_START.length) + "\n" + markdown + "\n" + readme.slice(end);
}
