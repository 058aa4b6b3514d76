import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { basicAuth, startGateway, type TestGateway } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { subscribeWs, untilLive } from "../support/subscribers.js";
import { createApp } from "../../src/app.js";
import { PortInUseError } from "../../src/server/listen.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// The operator's HTTP settings (issue 17 item 5): CORS_ORIGINS, TRUST_PROXY, GRAPHIQL,
// INTROSPECTION, the SDL download, compressed and cacheable GraphiQL, a taken PORT.
const ALLOWED = "https://app.example";
const REFUSED = "https://evil.example";
const CHECK = "{ checkAuth { username authStatus } }";
const SUBSCRIBE = "subscription { stanza { subscribeForMessages { sender } } }";

const gw = useGateway({ CORS_ORIGINS: `${ALLOWED},http://localhost:3000` });
let alice: SandboxUser;
beforeAll(async () => {
  alice = await gw.sandbox.createUser();
});

/** One request on a route with an Origin; the SSE stream is aborted once its headers are in. */
async function call(route: "post" | "get" | "sse" | "sdl" | "healthz", origin: string): Promise<Response> {
  const abort = new AbortController();
  const headers: Record<string, string> = { origin, authorization: basicAuth(alice) };
  const query = encodeURIComponent(route === "sse" ? SUBSCRIBE : CHECK);
  const response = route === "post"
    ? await fetch(`${gw.url}/api/graphql`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ query: CHECK }) })
    : await fetch(`${gw.url}${{ get: `/api/graphql?query=${query}`, sse: `/api/graphql/sse?query=${query}`, sdl: "/api/graphql/schema.graphql", healthz: "/healthz" }[route]}`, {
      headers: { ...headers, accept: route === "sse" ? "text/event-stream" : "*/*" }, signal: abort.signal,
    });
  if (route === "sse" && response.status === 200) abort.abort();
  return response;
}

/** Opens a raw WebSocket upgrade with an Origin; resolves with the HTTP status of a refusal, or 101. */
function upgradeStatus(origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${gw.url.replace("http", "ws")}/api/graphql`, "graphql-transport-ws", { origin });
    socket.on("open", () => (socket.close(), resolve(101)));
    socket.on("unexpected-response", (_req, res) => (res.resume(), resolve(res.statusCode ?? 0)));
    socket.on("error", reject);
  });
}

describe("CORS_ORIGINS", () => {
  const ROUTES = ["post", "get", "sse", "sdl", "healthz"] as const;

  it.each(ROUTES)("lets a listed origin read %s, with credentials", async (route) => {
    const response = await call(route, ALLOWED);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(response.headers.get("access-control-allow-credentials")).toBe("true");
    expect(response.headers.get("vary")).toMatch(/Origin/);
  });

  it.each(ROUTES)("refuses an unlisted origin on %s with 403 origin_not_allowed", async (route) => {
    const response = await call(route, REFUSED);
    expect(response.status).toBe(403);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect((await response.json()).errors[0].extensions.code).toBe("origin_not_allowed");
  });

  it("serves the gateway's own pages (GraphiQL) without CORS headers", async () => {
    const response = await call("post", gw.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
    expect((await response.json()).data.checkAuth.authStatus).toBe("AUTHORIZED");
  });

  it("answers preflights: what a listed origin asks is allowed, an unlisted one gets 403", async () => {
    const preflight = (origin: string) => fetch(`${gw.url}/api/graphql`, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
    });
    const allowed = await preflight(ALLOWED);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(allowed.headers.get("access-control-allow-headers")).toBe("authorization, content-type");
    const refused = await preflight(REFUSED);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("checks the Origin of graphql-ws upgrades: listed, own and absent pass, others get 403", async () => {
    expect(await upgradeStatus(ALLOWED)).toBe(101);
    expect(await upgradeStatus(gw.url)).toBe(101);
    expect(await upgradeStatus(REFUSED)).toBe(403);
    // The graphql-ws client of a non-browser sends no Origin at all.
    const bob = await gw.sandbox.createUser();
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(bob) }, "subscription { stanza { subscribeForMessages { stanza } } }");
    try {
      await untilLive(
        sub,
        async (body) => void (await gw.gql(`mutation { stanza { sendMessage(to: "${bob.jid}", body: "${body}") { id } } }`, undefined, alice)),
        (e) => /<body>([^<]*)<\/body>/.exec(e.data?.stanza?.subscribeForMessages?.stanza ?? "")?.[1],
      );
    } finally {
      await sub.stop();
    }
  });
});

describe("GraphiQL and the SDL", () => {
  it("serves GraphiQL compressed per Accept-Encoding, with an ETag that revalidates to 304", async () => {
    const page = (headers: Record<string, string>) => fetch(`${gw.url}/api/graphql`, { headers: { accept: "text/html", ...headers } });
    const plain = await page({ "accept-encoding": "identity" });
    const plainBytes = Number(plain.headers.get("content-length"));
    expect(plain.headers.get("content-encoding")).toBeNull();
    const br = await page({ "accept-encoding": "gzip, br" });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(Number(br.headers.get("content-length"))).toBeLessThan(plainBytes / 4);
    expect(await br.text()).toBe(await plain.text());
    const gzip = await page({ "accept-encoding": "gzip" });
    expect(gzip.headers.get("content-encoding")).toBe("gzip");
    expect(Number(gzip.headers.get("content-length"))).toBeLessThan(plainBytes / 3);
    const etag = br.headers.get("etag")!;
    expect(etag).toMatch(/^"/);
    expect(br.headers.get("cache-control")).toBe("private, no-cache");
    const again = await page({ "if-none-match": etag });
    expect(again.status).toBe(304);
  });

  it("lets clients download the SDL at /api/graphql/schema.graphql", async () => {
    const response = await fetch(`${gw.url}/api/graphql/schema.graphql`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    const sdl = await response.text();
    expect(sdl).toMatch(/^type UserQuery \{/m);
    expect(sdl).toMatch(/^scalar JID/m);
  });

  describe("switched off (GRAPHIQL=false, INTROSPECTION=false)", () => {
    let off: TestGateway;
    beforeAll(async () => {
      off = await startGateway({ GRAPHIQL: "false", INTROSPECTION: "false" }, gw.sandbox);
    });
    afterAll(() => off?.stop());

    it("answers 404 to a browser asking for GraphiQL", async () => {
      const response = await fetch(`${off.url}/api/graphql`, { headers: { accept: "text/html" } });
      expect(response.status).toBe(404);
    });

    it("refuses __schema and __type with introspection_disabled, keeps __typename and the SDL download", async () => {
      for (const query of ["{ __schema { queryType { name } } }", '{ __type(name: "Contact") { name } }']) {
        const refused = await off.gql(query, undefined, alice);
        expect(refused.status).toBe(400);
        expect(refused.body.errors?.[0]?.extensions?.code).toBe("introspection_disabled");
      }
      const typename = await off.gql("{ __typename checkAuth { authStatus } }", undefined, alice);
      expect(typename.body.data).toEqual({ __typename: "UserQuery", checkAuth: { authStatus: "AUTHORIZED" } });
      expect((await fetch(`${off.url}/api/graphql/schema.graphql`)).status).toBe(200);
    });
  });
});

describe("TRUST_PROXY", () => {
  // Each gateway has its own throttle; three failed logins from one address block it.
  const THROTTLE = { LOGIN_FAILURES_PER_IP: "3", LOGIN_FAILURES_PER_USER: "1000" };
  const gateways: TestGateway[] = [];
  afterAll(() => Promise.all(gateways.map((g) => g.stop())));

  const login = (g: TestGateway, user: SandboxUser, forwardedFor: string) =>
    g.gql(CHECK, undefined, user, { headers: { "x-forwarded-for": forwardedFor } });

  async function failThrice(g: TestGateway, forwardedFor: string) {
    const users = await gw.sandbox.createUsers(3);
    for (const user of users) expect((await login(g, { ...user, password: "wrong" }, forwardedFor)).status).toBe(401);
  }

  it("with one trusted hop, keys throttling by the forwarded address", async () => {
    const g = await startGateway({ ...THROTTLE, TRUST_PROXY: "1" }, gw.sandbox);
    gateways.push(g);
    await failThrice(g, "203.0.113.7");
    expect((await login(g, alice, "203.0.113.7")).status).toBe(429);
    // A client cannot escape by prepending addresses: only the proxy's own entry counts.
    expect((await login(g, alice, "198.51.100.1, 203.0.113.7")).status).toBe(429);
    expect((await login(g, alice, "203.0.113.8")).status).toBe(200);
  });

  it("off (the default), ignores X-Forwarded-For: every request is the socket's peer", async () => {
    const g = await startGateway(THROTTLE, gw.sandbox);
    gateways.push(g);
    await failThrice(g, "203.0.113.7");
    expect((await login(g, alice, "203.0.113.8")).status).toBe(429);
  });
});

describe("PORT already in use", () => {
  it("start() rejects with one sentence naming PORT", async () => {
    const port = new URL(gw.url).port;
    const second = createApp({ ...gw.config, http: { ...gw.config.http, port: Number(port) } });
    const error = await second.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toContain(`PORT ${port} on 127.0.0.1 is already in use`);
  });

  it("the server process prints that one line, no stack trace, and exits 1", async () => {
    const port = new URL(gw.url).port;
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, XMPP_SERVICE: gw.sandbox.service, XMPP_DOMAIN: gw.sandbox.domain, HOST: "127.0.0.1", PORT: port, TOKEN_STORE_PATH: `${gw.sandbox.dir}/gw2/revocations.json` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toEqual([`xmpp-graphql: PORT ${port} on 127.0.0.1 is already in use by another process: stop it, or set PORT (--port) to a free port`]);
  }, 30_000);
});
