import { describe, expect, it } from "vitest";
import { buildSchema, graphql } from "graphql";
import { addNotImplementedResolvers, isNotImplemented } from "../../src/graphql/resolvers.js";
import { NAMESPACE } from "../../src/graphql/namespace.js";
import { apiErrorToGraphQL } from "../../src/graphql/errors.js";
import { ApiError } from "../../src/errors/api-error.js";
import { loadTypeDefs } from "../../src/graphql/schema.js";
import { createSchema } from "../../src/app/schema.js";

// A field without a resolver must answer not_implemented, never a fake success.
describe("not_implemented fallback", () => {
  it("gives every resolver-less operation field an error naming it", async () => {
    const schema = buildSchema(`
      type UserQuery { thing: ThingUserQuery }
      type ThingUserQuery { done: String, pending: Int }
      schema { query: UserQuery }
    `);
    addNotImplementedResolvers(schema);
    expect(isNotImplemented((schema.getType("ThingUserQuery") as unknown as { getFields(): Record<string, { resolve: unknown }> }).getFields().pending!.resolve)).toBe(true);
    const result = await graphql({ schema, source: "{ thing { pending } }", rootValue: { thing: () => NAMESPACE } });
    const error = result.errors?.[0];
    expect(result.data).toEqual({ thing: { pending: null } });
    expect(error?.originalError).toBeInstanceOf(ApiError);
    expect(apiErrorToGraphQL(error!.originalError as ApiError).extensions).toEqual({ code: "not_implemented", field: "ThingUserQuery.pending" });
  });

  it("leaves no operation of the real schema without a resolver", () => {
    const schema = createSchema();
    const sdl = buildSchema(loadTypeDefs().join("\n"));
    const missing: string[] = [];
    for (const [name, type] of Object.entries(schema.getTypeMap())) {
      if (!/User(Query|Mutation|Subscription)$/.test(name) || !("getFields" in type)) continue;
      for (const field of Object.values((type as { getFields(): Record<string, { resolve?: unknown; subscribe?: unknown }> }).getFields())) {
        if (!field.subscribe && (!field.resolve || isNotImplemented(field.resolve))) missing.push(`${name}.${(field as unknown as { name: string }).name}`);
      }
    }
    expect(sdl.getType("UserQuery")).toBeDefined();
    expect(missing).toEqual([]);
  });
});
