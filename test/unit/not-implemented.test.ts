import { describe, expect, it } from "vitest";
import { buildSchema, graphql, parse, subscribe } from "graphql";
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

  it("gives a subscription namespace without a stream one event whose field answers not_implemented", async () => {
    const schema = buildSchema(`
      type UserQuery { ok: String }
      type UserSubscription { feed: FeedUserSubscription }
      type FeedUserSubscription { items: String }
      schema { query: UserQuery, subscription: UserSubscription }
    `);
    addNotImplementedResolvers(schema);
    const stream = (await subscribe({ schema, document: parse("subscription { feed { items } }") })) as AsyncIterableIterator<any>;
    const first = await stream.next();
    expect(first.value.data).toEqual({ feed: { items: null } });
    expect(first.value.errors[0].path).toEqual(["feed", "items"]);
    expect(apiErrorToGraphQL(first.value.errors[0].originalError).extensions).toEqual({ code: "not_implemented", field: "FeedUserSubscription.items" });
    expect((await stream.next()).done).toBe(true);
  });

  // Chat-app extension operations whose issue has not landed yet: they answer
  // not_implemented until then. This list only ever shrinks.
  const PENDING: string[] = [];

  it("leaves no operation of the real schema without a resolver, but the pending chat-app ones", () => {
    const schema = createSchema();
    const sdl = buildSchema(loadTypeDefs().join("\n"));
    const missing: string[] = [];
    for (const [name, type] of Object.entries(schema.getTypeMap())) {
      if (!/User(Query|Mutation|Subscription)$/.test(name) || !("getFields" in type)) continue;
      for (const field of Object.values((type as { getFields(): Record<string, { resolve?: unknown; subscribe?: unknown }> }).getFields())) {
        const pending = field.subscribe ? isNotImplemented(field.subscribe) : !field.resolve || isNotImplemented(field.resolve);
        if (pending) missing.push(`${name}.${(field as unknown as { name: string }).name}`);
      }
    }
    expect(sdl.getType("UserQuery")).toBeDefined();
    expect(missing.sort()).toEqual([...PENDING].sort());
  });
});
