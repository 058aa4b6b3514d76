import { describe, expect, it } from "vitest";
import { buildMatrix, MATRIX_END, MATRIX_START, observe, spliceReadme } from "../../scripts/compat/matrix.js";
import type { MatrixRow } from "../../scripts/compat/notes.js";
import { MATRIX_ROWS } from "../../scripts/compat/notes.js";
import { listOperations } from "../../scripts/compat/operations.js";
import type { CompatRecord, RecordedTest } from "../../scripts/compat/record.js";
import { getCurrentTest } from "vitest/suite";
import { recordResult, selectedOperations } from "../support/compat-record.js";

const OPS = ["Query.checkAuth", "Query.roster.listContacts", "Mutation.inbox.flushBin"];
const ROWS: MatrixRow[] = [
  { namespace: "—", operations: ["checkAuth"], protocol: "SASL" },
  { namespace: "roster", operations: ["roster.listContacts"], protocol: "roster get", difference: { ejabberd: "reorders" } },
  {
    namespace: "inbox",
    operations: ["inbox.flushBin"],
    protocol: "inbox",
    documentedError: { prosody: { code: "deps_not_loaded", why: "none" }, ejabberd: { code: "deps_not_loaded", why: "none" } },
  },
];

function record(...tests: RecordedTest[]): CompatRecord {
  return { version: 1, modules: { "x:test/integration/a.test.ts": tests } };
}
function passed(...calls: RecordedTest["calls"]): RecordedTest {
  return { name: "t", state: "passed", calls };
}
const everywhereOk = (["prosody", "ejabberd"] as const).flatMap((server) => [
  { server, operation: "Query.checkAuth", outcome: "ok" as const },
  { server, operation: "Query.roster.listContacts", outcome: "ok" as const },
  { server, operation: "Mutation.inbox.flushBin", outcome: { code: "deps_not_loaded" } },
]);

describe("compatibility matrix", () => {
  it("shows what the tests saw, with the notes' differences and documented errors, and no problems", () => {
    const { markdown, problems } = buildMatrix(record(passed(...everywhereOk)), ROWS, OPS);
    expect(problems).toEqual([]);
    expect(markdown).toContain("| — | `checkAuth` | SASL | ✅ | ✅ |");
    expect(markdown).toContain("| roster | `listContacts` | roster get | ✅ | ⚠️ reorders |");
    expect(markdown).toContain("| inbox | `flushBin` | inbox | ⛔ `deps_not_loaded`: none | ⛔ `deps_not_loaded`: none |");
  });

  it("counts an operation as working when one call succeeded, even if others answered errors", () => {
    const r = record(passed({ server: "prosody", operation: "Query.checkAuth", outcome: { code: "bad_request" } }, { server: "prosody", operation: "Query.checkAuth", outcome: "ok" }));
    expect(observe(r, "prosody", "Query.checkAuth")).toEqual({ kind: "works" });
    expect(observe(r, "ejabberd", "Query.checkAuth")).toEqual({ kind: "untested" });
  });

  it("reports failing tests, untested operations, undocumented errors and contradicted notes as problems", () => {
    const calls = everywhereOk.filter((c) => !(c.server === "ejabberd" && c.operation === "Query.checkAuth"));
    const failing: RecordedTest = { name: "roster breaks", state: "failed", calls: [{ server: "prosody", operation: "Query.roster.listContacts", outcome: "ok" }] };
    const inboxWorks = { server: "ejabberd" as const, operation: "Mutation.inbox.flushBin", outcome: "ok" as const };
    const rosterErrors = { server: "ejabberd" as const, operation: "Query.roster.listContacts", outcome: { code: "internal_error" } };
    const { markdown, problems } = buildMatrix(
      record(passed(...calls.filter((c) => !(c.server === "ejabberd" && c.operation === "Query.roster.listContacts")), inboxWorks, rosterErrors), failing),
      ROWS,
      OPS,
    );
    expect(problems).toEqual([
      "Query.checkAuth on ejabberd: no test called it",
      "Query.roster.listContacts on prosody: failing test(s): roster breaks",
      "Query.roster.listContacts on ejabberd: never worked in the tests (only internal_error) and no error is documented",
      "Mutation.inbox.flushBin on ejabberd: documented error deps_not_loaded, but a test saw it work",
    ]);
    expect(markdown).toContain("| — | `checkAuth` | SASL | ✅ | ❔ not tested |");
    expect(markdown).toContain("| roster | `listContacts` | roster get | ❌ failing | ❌ only `internal_error` |");
  });

  it("refuses notes that miss an operation or name one that does not exist", () => {
    const { problems } = buildMatrix(record(passed(...everywhereOk)), [...ROWS.slice(1), { namespace: "x", operations: ["roster.nope"], protocol: "" }], OPS);
    expect(problems).toContain('notes name "roster.nope", which matches 0 operations of the schema');
    expect(problems).toContain("Query.checkAuth has no row in scripts/compat/notes.ts");
  });

  it("the project's notes cover every operation of the SDL exactly once", () => {
    const { problems } = buildMatrix(record(), MATRIX_ROWS, listOperations());
    expect(problems.filter((p) => p.includes("notes"))).toEqual([]);
  });

  it("replaces only the text between the README's markers", () => {
    const readme = `intro\n${MATRIX_START}\nold table\n${MATRIX_END}\nafter\n`;
    expect(spliceReadme(readme, "new table")).toBe(`intro\n${MATRIX_START}\nnew table\n${MATRIX_END}\nafter\n`);
    expect(() => spliceReadme("no markers", "x")).toThrow(/markers/);
  });
});

describe("operations a request selects", () => {
  it("names namespace fields by their inner field, with the alias the result sits under", () => {
    expect(selectedOperations("mutation { r: roster { a: addContact(contact: \"x@y\") deleteContact(contact: \"x@y\") } }")).toEqual([
      { operation: "Mutation.roster.addContact", path: ["r", "a"] },
      { operation: "Mutation.roster.deleteContact", path: ["r", "deleteContact"] },
    ]);
    expect(selectedOperations("{ checkAuth { username } __typename }")).toEqual([{ operation: "Query.checkAuth", path: ["checkAuth"] }]);
    expect(selectedOperations("subscription { stanza { subscribeForMessages { sender } } }")).toEqual([
      { operation: "Subscription.stanza.subscribeForMessages", path: ["stanza", "subscribeForMessages"] },
    ]);
  });

  it("selects nothing from a document that does not parse or leaves its operation unnamed among several", () => {
    expect(selectedOperations("{ roster {")).toEqual([]);
    expect(selectedOperations("query A { checkAuth { username } } query B { checkAuth { username } }")).toEqual([]);
  });
});

describe("recording a result", () => {
  it("records per operation: a value is ok even with item errors, null with an error under it is that error", () => {
    recordResult(
      "ejabberd",
      "mutation { roster { deleteContacts(contacts: []) addContact(contact: \"x@y\") } account { unregister } }",
      {
        data: { roster: { deleteContacts: ["ok", null], addContact: null }, account: { unregister: null } },
        errors: [
          { path: ["roster", "deleteContacts", 1], extensions: { code: "contact_not_found" } },
          { path: ["roster", "addContact"], extensions: { code: "not_allowed" } },
        ],
      },
    );
    recordResult("prosody", "{ checkAuth { username } }", { errors: [{ extensions: { code: "wrong_credentials" } }] });
    expect(getCurrentTest()?.meta.compat).toEqual([
      { server: "ejabberd", operation: "Mutation.roster.deleteContacts", outcome: "ok" },
      { server: "ejabberd", operation: "Mutation.roster.addContact", outcome: { code: "not_allowed" } },
      { server: "ejabberd", operation: "Mutation.account.unregister", outcome: "ok" },
    ]);
  });
});
