import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getIntrospectionQuery } from "graphql";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// One request pipeline: the same request through every HTTP route that serves it (JSON
// POST, GET, SSE) gets the same status, body and headers. Requests that fail before the
// operation's type is looked at fail alike on all three routes; queries succeed alike
// on POST and GET.
const LIMITS = { MAX_QUERY_BYTES: "8000", MAX_QUERY_TOKENS: "1000", MAX_QUERY_ALIASES: "3" };
const gw = useGateway({ ...LIMITS, CORS_ORIGINS: "http://app.example", LOGIN_FAILURES_PER_USER: "1000000", LOGIN_FAILURES_PER_IP: "1000000" });
let alice: SandboxUser;

beforeAll(async () => {
  alice = await gw.sandbox.createUser();
});

type Route = "post" | "get" | "sse";
type Auth = "alice" | "none" | string;

interface Case {
  name: string;
  query?: string;
  variables?: Record<string, unknown> | string;
  operationName?: unknown;
  auth?: Auth;
  /** Raw parameters instead of query/variables/operationName (as strings for a query string). */
  raw?: { post?: string; search?: string };
  routes: readonly Route[];
  status: number;
  /** `extensions.code` of the first error; undefined: a result without errors is expected. */
  code?: string;
}

const ALL: readonly Route[] = ["post", "get", "sse"];
const READ: readonly Route[] = ["post", "get"];
const PROTECTED = "query Mine { roster { listContacts { jid } } }";
const CHECK = "{ checkAuth { username authStatus } }";
const SEND = (body: string) => `mutation { stanza { sendMessage(to: "nobody@localhost", body: ${body}) { id } } }`;
const SUBSCRIBE = "subscription { stanza { subscribeForMessages { sender } } }";
const vcardDepth = (levels: number) =>
  "{ vcard { getVcard { " + "agent { ... on AgentVcard { vcard { ".repeat(levels) + "formattedName" + " } } }".repeat(levels) + " } } }";
const schemaDepth = (levels: number) => "{ __schema { types { fields { type { " + "ofType { ".repeat(levels) + "name" + " }".repeat(levels) + " } } } } }";
const padded = (bytes: number) => "# padding\n".repeat(Math.ceil(bytes / 10)) + CHECK;
const basic = (login: string, password: string) => "Basic " + Buffer.from(`${login}:${password}`).toString("base64");

const CASES: Case[] = [
  // Successes (queries: POST and GET).
  { name: "checkAuth without credentials", query: CHECK, auth: "none", routes: READ, status: 200 },
  { name: "checkAuth with credentials", query: CHECK, routes: READ, status: 200 },
  { name: "a protected query", query: PROTECTED, routes: READ, status: 200 },
  { name: "__typename", query: "{ __typename }", auth: "none", routes: READ, status: 200 },
  { name: "small introspection without credentials", query: "{ __schema { queryType { name } } }", auth: "none", routes: READ, status: 200 },
  { name: "__type", query: '{ __type(name: "Contact") { name fields { name } } }', routes: READ, status: 200 },
  { name: "GraphiQL's full introspection query", query: getIntrospectionQuery(), routes: READ, status: 200 },
  { name: "a fragment", query: "query { ...F } fragment F on UserQuery { checkAuth { authStatus } }", routes: READ, status: 200 },
  { name: "a directive", query: "{ checkAuth @include(if: true) { authStatus } c: checkAuth @skip(if: true) { username } }", routes: READ, status: 200 },
  { name: "operationName picks one", query: "query A { checkAuth { authStatus } } query B { __typename }", operationName: "B", routes: READ, status: 200 },
  { name: "a variable with its default", query: 'query Q($c: JID = "nobody@localhost") { __typename roster { getContact(contact: $c) { jid } } }', routes: READ, status: 200, code: "contact_not_found" },
  { name: "variables as JSON text", query: "query Q($c: JID!) { roster { getContact(contact: $c) { jid } } }", variables: '{"c":"nobody@localhost"}', routes: READ, status: 200, code: "contact_not_found" },
  { name: "empty variables text", query: CHECK, variables: "", routes: READ, status: 200 },
  { name: "a Digest header counts as no credentials", query: CHECK, auth: 'Digest username="x"', routes: READ, status: 200 },
  { name: "a resolver error with a code", query: '{ roster { getContact(contact: "nobody@localhost") { jid } } }', routes: READ, status: 200, code: "contact_not_found" },

  // Parameters.
  { name: "no query", raw: { post: "{}", search: "" }, routes: ALL, status: 400, code: "no_query_supplied" },
  { name: "an empty query", query: "", routes: ALL, status: 400, code: "no_query_supplied" },
  { name: "variables that are not JSON", query: CHECK, variables: "{bad", routes: ALL, status: 400, code: "variables_invalid_json" },
  { name: "variables that are not an object", query: CHECK, variables: "[1]", routes: ALL, status: 400, code: "variables_invalid_json" },
  { name: "variables that are a string", query: CHECK, variables: '"x"', routes: ALL, status: 400, code: "variables_invalid_json" },
  { name: "extensions that are not an object", raw: { post: JSON.stringify({ query: CHECK, extensions: "[1]" }), search: `query=${encodeURIComponent(CHECK)}&extensions=%5B1%5D` }, routes: ALL, status: 400, code: "invalid_query_parameters" },
  { name: "a query string that does not parse", raw: { search: "=x" }, routes: ["get", "sse"], status: 400, code: "invalid_query_parameters" },
  { name: "an operationName that is not a string", query: CHECK, operationName: 5, routes: ["post"], status: 400, code: "invalid_query_parameters" },
  { name: "a body that is not JSON", raw: { post: "{bad" }, routes: ["post"], status: 400, code: "invalid_json_body" },
  { name: "an empty body", raw: { post: "" }, routes: ["post"], status: 400, code: "invalid_json_body" },
  { name: "a JSON body that is null", raw: { post: "null" }, routes: ["post"], status: 400, code: "invalid_json_body" },
  { name: "a batch", raw: { post: JSON.stringify([{ query: CHECK }]) }, routes: ["post"], status: 400, code: "batching_not_supported" },

  // Credentials: checked before the document, on every route.
  { name: "a wrong password", query: CHECK, auth: "wrong-password", routes: ALL, status: 401, code: "wrong_credentials" },
  { name: "an unknown user", query: CHECK, auth: basic("nobody-here@localhost", "x"), routes: ALL, status: 401, code: "wrong_credentials" },
  { name: "a foreign domain", query: CHECK, auth: "foreign-domain", routes: ALL, status: 401, code: "wrong_credentials" },
  { name: "a Bearer token we did not issue", query: CHECK, auth: "Bearer abc", routes: ALL, status: 401, code: "wrong_credentials" },
  { name: "a malformed Basic header", query: CHECK, auth: "Basic !!!", routes: ALL, status: 401, code: "request_error" },
  { name: "Basic without a colon", query: CHECK, auth: "Basic " + Buffer.from("no-colon").toString("base64"), routes: ALL, status: 401, code: "request_error" },
  { name: "an unknown scheme", query: CHECK, auth: "Negotiate abc", routes: ALL, status: 401, code: "request_error" },
  { name: "wrong credentials beat a syntax error", query: "{ checkAuth {", auth: "wrong-password", routes: ALL, status: 401, code: "wrong_credentials" },
  { name: "a protected query without credentials", query: PROTECTED, auth: "none", routes: READ, status: 401, code: "no_permissions" },
  { name: "a protected field hidden in a fragment", query: "query { ...F } fragment F on UserQuery { roster { listContacts { jid } } }", auth: "none", routes: READ, status: 401, code: "no_permissions" },
  { name: "a subscription without credentials", query: SUBSCRIBE, auth: "none", routes: ["sse"], status: 401, code: "no_permissions" },

  // Parsing.
  { name: "a parser error", query: "{ checkAuth { authStatus }", routes: ALL, status: 400, code: "parser_error" },
  { name: "a scanner error", query: '{ roster { getContact(contact: "unterminated) { jid } } }', routes: ALL, status: 400, code: "scanner_error" },
  { name: "too many tokens", query: "{ " + "a ".repeat(1001) + "}", routes: ALL, status: 400, code: "too_many_tokens" },
  { name: "a document padded with comments past the size cap", query: padded(9000), routes: ALL, status: 400, code: "query_too_large" },
  { name: "a document padded with comments under the size cap", query: padded(6000), routes: READ, status: 200 },

  // Validation.
  { name: "an unknown field", query: "{ roster { nope } }", routes: ALL, status: 400, code: "unknown_field" },
  { name: "an unknown argument", query: "{ checkAuth(x: 1) { authStatus } }", routes: ALL, status: 400, code: "excess_args" },
  { name: "a missing argument", query: "{ roster { getContact { jid } } }", routes: ALL, status: 400, code: "missing_non_null_param" },
  { name: "an unknown enum value", query: 'mutation { roster { subscription(contact: "a@localhost", action: MAYBE) } }', routes: ALL, status: 400, code: "unknown_enum" },
  { name: "an unbound variable", query: "{ roster { getContact(contact: $c) { jid } } }", routes: ALL, status: 400, code: "unbound_variable" },
  { name: "two operations with one name", query: "query Q { __typename } query Q { __typename }", routes: ALL, status: 400, code: "not_unique" },
  { name: "an unknown operation name", query: CHECK, operationName: "Nope", routes: ALL, status: 400, code: "operation_not_found" },
  { name: "two operations and no name", query: "query A { __typename } query B { __typename }", routes: ALL, status: 400, code: "operation_not_found" },
  { name: "an unknown type", query: "query Q($x: Nope) { __typename }", routes: ALL, status: 400, code: "unknown_type" },
  { name: "an unknown fragment", query: "{ ...Nope }", routes: ALL, status: 400, code: "unknown_fragment" },
  { name: "a missing selection", query: "{ checkAuth }", routes: ALL, status: 400, code: "validation_error" },
  { name: "a malformed JID literal", query: '{ roster { getContact(contact: "test@") { jid } } }', routes: ALL, status: 400, code: "input_coercion" },
  { name: "a number literal where a String goes", query: SEND("12"), routes: ALL, status: 400, code: "input_coercion" },
  { name: "a boolean literal where a String goes", query: SEND("true"), routes: ALL, status: 400, code: "input_coercion" },
  { name: "null where a String is required", query: SEND("null"), routes: ALL, status: 400, code: "type_mismatch" },

  // Abuse limits.
  { name: "too many aliases", query: "{ a: checkAuth { username } b: checkAuth { username } c: checkAuth { username } d: checkAuth { username } }", routes: ALL, status: 400, code: "too_many_aliases" },
  { name: "too deep", query: vcardDepth(8), routes: ALL, status: 400, code: "query_too_deep" },
  { name: "introspection too deep (17 levels at a limit of 15)", query: schemaDepth(12), auth: "none", routes: ALL, status: 400, code: "query_too_deep" },
  { name: "introspection at the depth limit", query: schemaDepth(10), auth: "none", routes: READ, status: 200 },
  { name: "too many directives", query: "{" + " __typename @include(if: true)".repeat(51) + " }", routes: ALL, status: 400, code: "too_many_directives" },

  // Variables checked at execution.
  { name: "a malformed JID variable", query: "query Q($c: JID!) { roster { getContact(contact: $c) { jid } } }", variables: { c: "test@" }, routes: READ, status: 400, code: "input_coercion" },
  { name: "a missing required variable", query: "query Q($c: JID!) { roster { getContact(contact: $c) { jid } } }", variables: {}, routes: READ, status: 400, code: "missing_non_null_param" },
  { name: "a variable of the wrong built-in type", query: "query Q($n: String!) { __type(name: $n) { name } }", variables: { n: 5 }, routes: READ, status: 400, code: "type_mismatch" },

  // The operation against the transport.
  { name: "a subscription over plain HTTP", query: SUBSCRIBE, routes: READ, status: 400, code: "unsupported_operation" },
  { name: "a query over SSE", query: CHECK, routes: ["sse"], status: 400, code: "unsupported_operation" },
  { name: "a mutation over SSE", query: 'mutation { roster { addContact(contact: "a@localhost") } }', routes: ["sse"], status: 400, code: "unsupported_operation" },
  { name: "a mutation over GET", query: 'mutation { roster { addContact(contact: "a@localhost") } }', routes: ["get"], status: 405, code: "method_not_allowed" },
];

const ORIGIN = "http://app.example";
// Headers a client or a browser acts on.
const RELEVANT_HEADERS = ["content-type", "access-control-allow-origin", "access-control-allow-credentials", "vary", "retry-after", "allow"];

function authorization(auth: Auth | undefined): string | undefined {
  if (auth === undefined || auth === "alice") return basicAuth(alice);
  if (auth === "none") return undefined;
  if (auth === "wrong-password") return basicAuth({ ...alice, password: "wrong" });
  if (auth === "foreign-domain") return basic(`${alice.username}@elsewhere.example`, alice.password);
  return auth;
}

function searchOf(c: Case): string {
  if (c.raw?.search !== undefined) return c.raw.search;
  const params = new URLSearchParams({ query: c.query ?? "" });
  if (c.variables !== undefined) params.set("variables", typeof c.variables === "string" ? c.variables : JSON.stringify(c.variables));
  if (c.operationName !== undefined) params.set("operationName", String(c.operationName));
  return params.toString();
}

interface Answer {
  status: number;
  headers: Record<string, string | null>;
  body: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

async function send(route: Route, c: Case): Promise<Answer> {
  const headers: Record<string, string> = { origin: ORIGIN, accept: route === "sse" ? "text/event-stream" : "application/json" };
  const auth = authorization(c.auth);
  if (auth) headers.authorization = auth;
  let response: Response;
  if (route === "post") {
    const body = c.raw?.post ?? JSON.stringify({ query: c.query, variables: c.variables, operationName: c.operationName });
    response = await fetch(`${gw.url}/api/graphql`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body });
  } else {
    response = await fetch(`${gw.url}/api/graphql${route === "sse" ? "/sse" : ""}?${searchOf(c)}`, { headers });
  }
  const relevant = Object.fromEntries(RELEVANT_HEADERS.map((name) => [name, response.headers.get(name)]));
  return { status: response.status, headers: relevant, body: JSON.parse(await response.text()) };
}

describe("every HTTP route answers a request alike", () => {
  it(`has at least 50 requests covering every error class`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(50);
    const codes = new Set(CASES.map((c) => c.code));
    for (const code of ["parser_error", "unknown_field", "input_coercion", "wrong_credentials", "request_error", "invalid_json_body", "query_too_deep", "too_many_aliases", "query_too_large", "contact_not_found"]) {
      expect(codes).toContain(code);
    }
  });

  it.each(CASES.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const answers = await Promise.all(c.routes.map(async (route) => [route, await send(route, c)] as const));
    const [, first] = answers[0]!;
    expect(first.status).toBe(c.status);
    expect(first.body.errors?.[0]?.extensions?.code).toBe(c.code);
    expect(first.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(first.headers["access-control-allow-origin"]).toBe(ORIGIN);
    for (const [route, answer] of answers.slice(1)) {
      expect({ route, ...answer }).toEqual({ route, ...first });
    }
  });
});

describe("what only one route carries", () => {
  it("refuses a body over MAX_BODY_BYTES on POST with 413 before reading it", async () => {
    const response = await fetch(`${gw.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN },
      body: JSON.stringify({ query: CHECK, variables: { pad: "x".repeat(gw.config.limits.maxBodyBytes) } }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect((await response.json()).errors[0].extensions.code).toBe("request_too_large");
  });

  it("refuses a body type it cannot read with 415, and an Accept it cannot satisfy with 406", async () => {
    const text = await fetch(`${gw.url}/api/graphql`, { method: "POST", headers: { "content-type": "text/plain" }, body: CHECK });
    expect(text.status).toBe(415);
    expect((await text.json()).errors[0].extensions.code).toBe("unsupported_media_type");
    for (const method of ["GET", "POST"]) {
      const response = await fetch(`${gw.url}/api/graphql${method === "GET" ? `?query=${encodeURIComponent(CHECK)}` : ""}`, {
        method, headers: { accept: "text/csv", "content-type": "application/json" }, body: method === "POST" ? JSON.stringify({ query: CHECK }) : undefined,
      });
      expect(response.status).toBe(406);
      expect((await response.json()).errors[0].extensions.code).toBe("not_acceptable");
    }
  });

  it("answers an unsupported method with 405 and the methods it allows, on both paths", async () => {
    const graphql = await fetch(`${gw.url}/api/graphql`, { method: "PUT", body: "{}" });
    expect(graphql.status).toBe(405);
    expect(graphql.headers.get("allow")).toBe("GET, POST");
    expect((await graphql.json()).errors[0].extensions.code).toBe("method_not_allowed");
    const sse = await fetch(`${gw.url}/api/graphql/sse`, { method: "POST", body: "{}" });
    expect(sse.status).toBe(405);
    expect(sse.headers.get("allow")).toBe("GET");
    expect((await sse.json()).errors[0].extensions.code).toBe("method_not_allowed");
  });

  it("serves application/graphql and form bodies like JSON ones", async () => {
    const json = await send("post", { name: "", query: CHECK, routes: ["post"], status: 200 });
    const graphql = await fetch(`${gw.url}/api/graphql`, {
      method: "POST", headers: { "content-type": "application/graphql", authorization: basicAuth(alice), origin: ORIGIN }, body: CHECK,
    });
    const form = await fetch(`${gw.url}/api/graphql`, {
      method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: basicAuth(alice), origin: ORIGIN },
      body: new URLSearchParams({ query: CHECK }).toString(),
    });
    for (const response of [graphql, form]) {
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(json.body);
    }
  });

  it("answers a CORS preflight with what the browser asked for", async () => {
    const response = await fetch(`${gw.url}/api/graphql`, {
      method: "OPTIONS",
      headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(response.headers.get("access-control-allow-methods")).toBe("POST");
    expect(response.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
  });
});
