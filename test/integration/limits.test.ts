import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { subscribeSse, subscribeWs } from "../support/subscribers.js";

// Abuse limits: graphql-armor's document limits, body size, and failed-login throttling.
const gw = useGateway({
  MAX_QUERY_DEPTH: "6",
  MAX_QUERY_ALIASES: "3",
  MAX_QUERY_TOKENS: "200",
  MAX_QUERY_COST: "500",
  MAX_BODY_BYTES: "4096",
  LOGIN_FAILURES_PER_USER: "3",
  LOGIN_FAILURES_PER_IP: "8",
});

const deep = "{ a: checkAuth { username } roster { listContacts { jid } } }";

describe("document limits", () => {
  it("refuses too many aliases, too deep and too long documents with 400 and a code", async () => {
    const alice = await gw.sandbox.createUser();
    const aliases = await gw.gql("{ a: checkAuth { username } b: checkAuth { username } c: checkAuth { username } d: checkAuth { username } }", undefined, alice);
    expect(aliases.status).toBe(400);
    expect(aliases.body.errors?.[0]?.extensions?.code).toBe("too_many_aliases");

    const tooDeep = await gw.gql("{ vcard { getVcard { agent { ... on AgentVcard { vcard { agent { ... on AgentVcard { vcard { formattedName } } } } } } } } }", undefined, alice);
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.errors?.[0]?.extensions?.code).toBe("query_too_deep");

    const long = await gw.gql(`{ ${Array.from({ length: 250 }, () => "__typename").join(" ")} }`, undefined, alice);
    expect(long.status).toBe(400);
    expect(long.body.errors?.[0]?.extensions?.code).toBe("too_many_tokens");

    const fine = await gw.gql(deep, undefined, alice);
    expect(fine.status).toBe(200);
  });

  it("applies the same limits over graphql-ws and SSE", async () => {
    const alice = await gw.sandbox.createUser();
    const query = "subscription { stanza { a: subscribeForMessages { sender } b: subscribeForMessages { sender } c: subscribeForMessages { sender } d: subscribeForMessages { sender } } }";
    const ws = await subscribeWs(gw.url, { Authorization: basicAuth(alice) }, query);
    const refused = await ws.waitFor((e) => e.error);
    expect(refused.error[0].extensions.code).toBe("too_many_aliases");
    await ws.stop();
    const sse = await subscribeSse(gw.url, basicAuth(alice), query);
    expect(sse.status).toBe(400);
    expect(sse.events[0]!.data.errors[0].extensions.code).toBe("too_many_aliases");
  });
});

describe("request size", () => {
  it("refuses a body over the limit with 413 before reading it", async () => {
    const r = await fetch(`${gw.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ checkAuth { username } }", variables: { pad: "x".repeat(5000) } }),
    });
    expect(r.status).toBe(413);
    expect((await r.json()).errors[0].extensions.code).toBe("request_too_large");
  });

  it("refuses a POST without Content-Length (chunked) with 411", async () => {
    const { hostname, port } = new URL(gw.url);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ hostname, port, path: "/api/graphql", method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.write('{"query":"{ checkAuth { username } }"}');
      req.end();
    });
    expect(status).toBe(411);
  });
});

describe("failed-login throttling", () => {
  it("blocks a user after repeated wrong passwords, even with the right one, and says when to retry", async () => {
    const alice = await gw.sandbox.createUser();
    const wrong = { ...alice, password: "guess" };
    for (let i = 0; i < 3; i++) {
      expect((await gw.gql("{ checkAuth { username } }", undefined, wrong)).status).toBe(401);
    }
    const response = await fetch(`${gw.url}/api/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basicAuth(alice) },
      body: JSON.stringify({ query: "{ checkAuth { username } }" }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await response.json();
    expect(body.errors[0].extensions.code).toBe("too_many_failed_logins");
  });

  it("counts failures per client address across users", async () => {
    const users = await gw.sandbox.createUsers(6);
    // 3 failures were spent by the previous test from this address; 5 more reach the limit of 8.
    for (const user of users.slice(0, 5)) await gw.gql("{ checkAuth { username } }", undefined, { ...user, password: "nope" });
    const last = users[5]!;
    const r = await gw.gql("{ checkAuth { username } }", undefined, last);
    expect(r.status).toBe(429);
  });
});
