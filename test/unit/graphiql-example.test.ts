import { describe, expect, it } from "vitest";
import { parse, validate } from "graphql";
import { GRAPHIQL_EXAMPLE } from "../../src/app.js";
import { createSchema } from "../../src/app/schema.js";

describe("GraphiQL's example", () => {
  it("is valid against the schema, the events stream included (conflicting fields aliased)", () => {
    const document = parse(GRAPHIQL_EXAMPLE);
    expect(validate(createSchema(), document)).toEqual([]);
    expect(GRAPHIQL_EXAMPLE).toContain("events {");
  });
});
