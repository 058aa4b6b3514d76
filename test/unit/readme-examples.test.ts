import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildSchema, parse, validate } from "graphql";
import { loadTypeDefs } from "../../src/graphql/schema.js";

// The GraphQL examples of the README and docs/ must stay valid against the schema.
describe("README examples", () => {
  it("every operation in a ```graphql block validates against the SDL", () => {
    const docs = readdirSync(new URL("../../docs/", import.meta.url)).filter((f) => f.endsWith(".md"));
    const readme = [new URL("../../README.md", import.meta.url), ...docs.map((f) => new URL(`../../docs/${f}`, import.meta.url))]
      .map((file) => readFileSync(file, "utf8"))
      .join("\n");
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
