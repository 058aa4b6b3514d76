import { beforeAll, describe, expect, it } from "vitest";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// The HTTP contract: endpoint, auth, and MongooseIM's codes and statuses for bad requests.
const gw = useGateway();
let alice: SandboxUser;

beforeAll(async () => {
  alice = await gw.sandbox.createUser();
});

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${gw.url}/api/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, body: await response.json() };
}

describe("authentication", () => {
  it("answers checkAuth without credentials", async () => {
    const r = await gw.gql("{ checkAuth { username authStatus } }");
    expect(r.status).toBe(200);
    expect(r.body.data.checkAuth).toEqual({ username: null, authStatus: "UNAUTHORIZED" });
  });

  it("answers checkAuth with the caller's bare JID", async () => {
    const r = await gw.gql("{ checkAuth { username authStatus } }", undefined, alice);
    expect(r.body.data.checkAuth).toEqual({ username: alice.jid, authStatus: "AUTHORIZED" });
  });

  it("accepts the login in any letter case, as XMPP does", async () => {
    const r = await gw.gql("{ checkAuth { username } }", undefined, { ...alice, jid: alice.jid.toUpperCase() });
    expect(r.body.data.checkAuth.username).toBe(alice.jid);
  });

  it("refuses a protected field without credentials with 401 no_permissions naming the operation", async () => {
    const r = await gw.gql("query Mine { roster { listContacts { jid } } }");
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]).toMatchObject({
      message: "Cannot execute query Mine without permissions",
      path: ["Mine"],
      extensions: { code: "no_permissions" },
    });
    expect(r.body.data).toBeUndefined();
  });

  it("names ROOT when the operation has no name, and protects every mutation", async () => {
    const r = await gw.gql("mutation { roster { addContact(contact: \"x@localhost\") } }");
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]?.message).toBe("Cannot execute query ROOT without permissions");
  });

  it("sees a protected field hidden in a fragment", async () => {
    const r = await gw.gql("query { ...F } fragment F on UserQuery { checkAuth { authStatus } roster { listContacts { jid } } }");
    expect(r.status).toBe(401);
  });

  it("refuses a wrong password with 401 wrong_credentials, even for checkAuth", async () => {
    const r = await gw.gql("{ checkAuth { authStatus } }", undefined, { ...alice, password: "wrong" });
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]).toMatchObject({ message: "The provided credentials are wrong", extensions: { code: "wrong_credentials" } });
  });

  it("refuses an unknown user and a foreign domain with wrong_credentials", async () => {
    for (const jid of ["nobody-here@localhost", `${alice.username}@elsewhere.example`]) {
      const r = await gw.gql("{ checkAuth { authStatus } }", undefined, { ...alice, jid });
      expect(r.status).toBe(401);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
    }
  });

  it("refuses a malformed Authorization header with 401 request_error", async () => {
    for (const header of ["Basic !!!notbase64", "Basic " + Buffer.from("no-colon").toString("base64"), "Negotiate abc"]) {
      const r = await post(JSON.stringify({ query: "{ checkAuth { authStatus } }" }), { authorization: header });
      expect(r.status).toBe(401);
      expect(r.body.errors[0]).toMatchObject({
        message: "Malformed authorization header. Please consult the relevant specification",
        extensions: { code: "request_error" },
      });
    }
  });

  it("treats a Digest header as no credentials, and refuses a Bearer token it did not issue", async () => {
    const digest = await post(JSON.stringify({ query: "{ checkAuth { authStatus } }" }), { authorization: 'Digest username="x"' });
    expect(digest.body.data.checkAuth.authStatus).toBe("UNAUTHORIZED");
    const bearer = await post(JSON.stringify({ query: "{ checkAuth { authStatus } }" }), { authorization: "Bearer abc" });
    expect(bearer.status).toBe(401);
    expect(bearer.body.errors[0].extensions.code).toBe("wrong_credentials");
  });
});

describe("bad requests", () => {
  it("answers a body that is not JSON with 400 invalid_json_body", async () => {
    for (const body of ["{bad", ""]) {
      const r = await post(body);
      expect(r.status).toBe(400);
      expect(r.body.errors[0]).toEqual({ message: "The request JSON body is invalid", extensions: { code: "invalid_json_body" } });
    }
  });

  it("answers a missing query with 400 no_query_supplied", async () => {
    const r = await post("{}");
    expect(r.status).toBe(400);
    expect(r.body.errors[0].extensions.code).toBe("no_query_supplied");
  });

  it("answers a GET with variables that are not JSON with 400 variables_invalid_json", async () => {
    const response = await fetch(`${gw.url}/api/graphql?query=${encodeURIComponent("{ checkAuth { authStatus } }")}&variables=%7Bbad`);
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe("variables_invalid_json");
  });

  it("answers a query string that does not parse with 400 invalid_query_parameters", async () => {
    const response = await fetch(`${gw.url}/api/graphql?=x`);
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe("invalid_query_parameters");
  });

  it("answers syntax errors with parser_error and scanner_error", async () => {
    const parse = await gw.gql("{ checkAuth { authStatus }", undefined, alice);
    expect(parse.status).toBe(400);
    expect(parse.body.errors?.[0]?.extensions?.code).toBe("parser_error");
    expect(parse.body.errors?.[0]?.message).toMatch(/^Cannot parse line 1 because of /);
    const scan = await gw.gql('{ roster { getContact(contact: "unterminated) { jid } } }', undefined, alice);
    expect(scan.status).toBe(400);
    expect(scan.body.errors?.[0]?.extensions?.code).toBe("scanner_error");
  });

  it("answers validation errors with 400 and graphql-erlang's codes", async () => {
    const unknownField = await gw.gql("{ roster { nope } }", undefined, alice);
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors?.[0]?.extensions?.code).toBe("unknown_field");
    const missing = await gw.gql("query Q($c: JID!) { roster { getContact(contact: $c) { jid } } }", {}, alice);
    expect(missing.status).toBe(400);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe("missing_non_null_param");
    const badEnum = await gw.gql('mutation { roster { subscription(contact: "a@localhost", action: MAYBE) } }', undefined, alice);
    expect(badEnum.status).toBe(400);
    expect(badEnum.body.errors?.[0]?.extensions?.code).toBe("unknown_enum");
  });

  it("answers a malformed JID with 400 input_coercion and MongooseIM's message, as literal or variable", async () => {
    const literal = await gw.gql('{ roster { getContact(contact: "test@") { jid } } }', undefined, alice);
    const variable = await gw.gql("query Q($c: JID!) { roster { getContact(contact: $c) { jid } } }", { c: "test@" }, alice);
    for (const r of [literal, variable]) {
      expect(r.status).toBe(400);
      expect(r.body.errors?.[0]).toMatchObject({
        message: 'Input coercion failed for type JID with value <<"test@">>. The reason it failed is: failed_to_parse_jid',
        extensions: { code: "input_coercion" },
      });
    }
  });

  it("refuses a subscription over plain HTTP with 400 unsupported_operation", async () => {
    const r = await gw.gql("subscription { stanza { subscribeForMessages { sender } } }", undefined, alice);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]).toMatchObject({
      message: "The http execution method does not support subscription operations.",
      extensions: { code: "unsupported_operation" },
    });
  });
});

describe("endpoint", () => {
  it("serves GET queries", async () => {
    const response = await fetch(`${gw.url}/api/graphql?query=${encodeURIComponent("{ checkAuth { authStatus } }")}`, {
      headers: { authorization: basicAuth(alice), accept: "application/json" },
    });
    expect(response.status).toBe(200);
    expect((await response.json()).data.checkAuth.authStatus).toBe("AUTHORIZED");
  });

  it("serves a self-contained GraphiQL page to browsers (no CDN)", async () => {
    const response = await fetch(`${gw.url}/api/graphql`, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("<html");
    expect(html).not.toMatch(/<script[^>]+src="https?:\/\//);
  });

  it("reports readiness at /healthz and 404 elsewhere", async () => {
    const health = await fetch(`${gw.url}/healthz`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe("ok");
    expect((await fetch(`${gw.url}/nope`)).status).toBe(404);
  });
});
