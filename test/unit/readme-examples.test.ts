import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildSchema, parse, validate } from "graphql";
import { loadTypeDefs } from "../../src/graphql/schema.js";

// The README's GraphQL examples must stay valid against the schema.
describe("README examples", () => {
  it("every operation in a ```graphql block validates against the SDL", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const blocks = [...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const schema = buildSchema(loadTypeDefs().join("\n"));
    const operations = blocks.flatMap((block) => block.split("\n").map((line) => line.replace(/\s+#.*$/, "")).join("\n").split(/\n(?=query|mutation|subscription)/));
    expect(operations.length).toBeGreaterThan(15);
    for (const operation of operations) {
      const errors = validate(schema, parse(operation));
      expect(errors.map((e) => e.message), operation).toEqual([]);
    }
  });
});
