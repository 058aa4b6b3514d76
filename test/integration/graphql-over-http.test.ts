import { describe, expect, it } from "vitest";
import { serverAudits } from "graphql-http";
import { useGateway } from "../support/use-gateway.js";

// GraphQL-over-HTTP conformance, audited by graphql-http. MongooseIM answers refused
// documents with 400 even to application/json clients; the spec's SHOULD (200) loses.
const KNOWN_SHOULD_FAILURES = [
  "SHOULD use 200 status code on document parsing failure when accepting application/json",
  "SHOULD use 200 status code on document validation failure when accepting application/json",
  "SHOULD use a status code of 200 on variable coercion failure when accepting application/json",
];

const gw = useGateway();

describe("graphql-http server audits", () => {
  it("passes every MUST; the failing SHOULDs are exactly the documented ones", async () => {
    const failures: Array<{ name: string; status: string }> = [];
    const audits = serverAudits({ url: `${gw.url}/api/graphql`, fetchFn: fetch });
    for (const audit of audits) {
      const result = await audit.fn();
      if (result.status !== "ok") failures.push({ name: audit.name, status: result.status });
    }
    expect(audits.length).toBeGreaterThan(50);
    expect(failures.filter((f) => f.name.startsWith("MUST"))).toEqual([]);
    expect(failures.map((f) => f.name).sort()).toEqual([...KNOWN_SHOULD_FAILURES].sort());
  });
});
