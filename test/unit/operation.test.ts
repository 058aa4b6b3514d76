import { describe, expect, it } from "vitest";
import { buildSchema, getOperationAST, parse } from "graphql";
import {
  RequestRefused, noPermissionsError, prepareOperation, requiresCredentials, unsupportedOperation, type Transport,
} from "../../src/server/operation.js";
import { loadTypeDefs } from "../../src/graphql/schema.js";

const schema = buildSchema(loadTypeDefs().join("\n"));

function needsCredentials(query: string, operationName?: string): boolean {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error("no operation");
  return requiresCredentials(operation, document);
}

function refusal(query: string, transport: Transport, authenticated: boolean, operationName?: string): RequestRefused {
  try {
    prepareOperation(schema, { query, operationName }, transport, authenticated);
  } catch (error) {
    if (error instanceof RequestRefused) return error;
    throw error;
  }
  throw new Error("not refused");
}

const QUERY = "query Contacts { roster { listContacts { jid } } }";
const MUTATION = 'mutation Add { roster { addContact(contact: "bob@localhost") } }';
const SUBSCRIPTION = "subscription Live { stanza { subscribeForMessages { stanza_id } } }";
const CHECK_AUTH = "{ checkAuth { authStatus } }";

describe("requiresCredentials", () => {
  it("lets checkAuth and introspection through", () => {
    expect(needsCredentials(CHECK_AUTH)).toBe(false);
    expect(needsCredentials("{ __typename }")).toBe(false);
    expect(needsCredentials("{ __schema { queryType { name } } }")).toBe(false);
    expect(needsCredentials('{ __type(name: "Contact") { name } checkAuth { username } }')).toBe(false);
  });

  it("protects any other root field", () => {
    expect(needsCredentials("{ roster { listContacts { jid } } }")).toBe(true);
    expect(needsCredentials("{ checkAuth { authStatus } account { __typename } }")).toBe(true);
    expect(needsCredentials("{ a: checkAuth { authStatus } b: stanza { __typename } }")).toBe(true);
  });

  it("looks into fragment spreads and inline fragments", () => {
    expect(needsCredentials("{ ...F } fragment F on UserQuery { roster { listContacts { jid } } }")).toBe(true);
    expect(needsCredentials("{ ...F } fragment F on UserQuery { checkAuth { authStatus } }")).toBe(false);
    expect(needsCredentials("{ ... on UserQuery { vcard { __typename } } }")).toBe(true);
    expect(needsCredentials("{ ... { checkAuth { authStatus } } }")).toBe(false);
    expect(needsCredentials("{ ... on UserQuery { ...G } } fragment G on UserQuery { ... { session { __typename } } }")).toBe(true);
  });

  it("handles a fragment spread twice and an unknown fragment", () => {
    expect(needsCredentials("{ ...F ...F } fragment F on UserQuery { checkAuth { authStatus } }")).toBe(false);
    expect(needsCredentials("{ ...F ... { ...F last { __typename } } } fragment F on UserQuery { checkAuth { authStatus } }")).toBe(true);
    expect(needsCredentials("{ ...Missing }")).toBe(false);
  });

  it("protects every mutation and subscription", () => {
    expect(needsCredentials(MUTATION)).toBe(true);
    expect(needsCredentials(SUBSCRIPTION)).toBe(true);
    expect(needsCredentials("mutation { __typename }")).toBe(true);
  });
});

describe("prepareOperation", () => {
  it("returns the document and the selected operation", () => {
    const both = `${QUERY} ${CHECK_AUTH.replace("{", "query Check {")}`;
    const { document, operation } = prepareOperation(schema, { query: both, operationName: "Check" }, "http", false);
    expect(document.definitions).toHaveLength(2);
    expect(operation.name?.value).toBe("Check");
    expect(prepareOperation(schema, { query: QUERY }, "ws", true).operation.operation).toBe("query");
  });

  it("refuses subscriptions over plain HTTP", () => {
    const error = refusal(SUBSCRIPTION, "http", true);
    expect(error.status).toBe(400);
    expect(error.errors[0]?.message).toBe("The http execution method does not support subscription operations.");
    expect(error.errors[0]?.extensions.code).toBe("unsupported_operation");
  });

  it("refuses queries and mutations over SSE with MongooseIM's messages", () => {
    expect(refusal(QUERY, "sse", true).errors[0]?.message).toBe("The sse execution method does not support query operations.");
    expect(refusal(MUTATION, "sse", true).errors[0]?.message).toBe("The sse execution method does not support mutation operations.");
    expect(refusal(CHECK_AUTH, "sse", false).status).toBe(400);
  });

  it("accepts every operation type where the transport carries it", () => {
    expect(prepareOperation(schema, { query: SUBSCRIPTION }, "sse", true).operation.operation).toBe("subscription");
    expect(prepareOperation(schema, { query: SUBSCRIPTION }, "ws", true).operation.operation).toBe("subscription");
    expect(prepareOperation(schema, { query: MUTATION }, "ws", true).operation.operation).toBe("mutation");
    expect(prepareOperation(schema, { query: MUTATION }, "http", true).operation.operation).toBe("mutation");
  });

  it("refuses a protected operation without credentials, naming it", () => {
    const error = refusal(QUERY, "http", false);
    expect(error.status).toBe(401);
    expect(error.errors).toHaveLength(1);
    expect(error.errors[0]?.message).toBe("Cannot execute query Contacts without permissions");
    expect(error.errors[0]?.extensions.code).toBe("no_permissions");
    expect(error.errors[0]?.path).toEqual(["Contacts"]);
    expect(refusal(SUBSCRIPTION, "ws", false).errors[0]?.message).toBe("Cannot execute query Live without permissions");
  });

  it("names an unnamed operation ROOT", () => {
    const error = refusal("mutation { roster { deleteContact(contact: \"bob@localhost\") } }", "http", false);
    expect(error.status).toBe(401);
    expect(error.errors[0]?.message).toBe("Cannot execute query ROOT without permissions");
    expect(noPermissionsError(undefined).path).toEqual(["ROOT"]);
    expect(noPermissionsError("").message).toBe("Cannot execute query ROOT without permissions");
  });

  it("lets checkAuth through anonymously", () => {
    expect(prepareOperation(schema, { query: CHECK_AUTH }, "http", false).operation.operation).toBe("query");
  });

  it("refuses a syntax error with 400", () => {
    const error = refusal("{ roster ", "ws", true);
    expect(error.status).toBe(400);
    expect(error.errors[0]?.extensions.code).toBe("parser_error");
    expect(error.errors[0]?.message).toMatch(/^Cannot parse line 1 because of /);
  });

  it("refuses a validation error with 400 before checking credentials", () => {
    const error = refusal("{ nope }", "http", false);
    expect(error.status).toBe(400);
    expect(error.errors[0]?.extensions.code).toBe("unknown_field");
  });

  it("refuses an unknown or missing operation name", () => {
    const unknown = refusal(QUERY, "http", true, "Other");
    expect(unknown.status).toBe(400);
    expect(unknown.errors[0]?.extensions.code).toBe("operation_not_found");
    expect(unknown.errors[0]?.message).toBe('Unknown operation named "Other".');
    const ambiguous = refusal(`${QUERY} ${MUTATION}`, "http", true);
    expect(ambiguous.errors[0]?.extensions.code).toBe("operation_not_found");
  });
});

describe("unsupportedOperation", () => {
  it("knows which transport carries which operation type", () => {
    expect(unsupportedOperation("http", "query")).toBeUndefined();
    expect(unsupportedOperation("http", "mutation")).toBeUndefined();
    expect(unsupportedOperation("http", "subscription")?.extensions.http).toEqual({ status: 400 });
    expect(unsupportedOperation("sse", "subscription")).toBeUndefined();
    expect(unsupportedOperation("ws", "query")).toBeUndefined();
  });
});
