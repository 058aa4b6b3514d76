import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const REQUIRED = { XMPP_SERVICE: "xmpp://127.0.0.1:5222", XMPP_DOMAIN: "localhost" };

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("configuration accepted");
}

describe("loadConfig", () => {
  it("fills in defaults around the required variables", () => {
    expect(loadConfig(REQUIRED)).toEqual({
      xmpp: {
        service: "xmpp://127.0.0.1:5222",
        domain: "localhost",
        iqTimeoutMs: 10_000,
        connectTimeoutMs: 10_000,
        tlsCaFile: undefined,
      },
      http: { host: "127.0.0.1", port: 5561, corsOrigins: [], trustProxyHops: 0, graphiql: true, webChat: true, introspection: true, metrics: true },
      pool: { maxSessions: 10_000, idleTimeoutMs: 300_000, credentialRecheckMs: 60_000 },
      logLevel: "info",
      logFormat: "json",
      subscriptions: { reconnect: { minMs: 250, maxMs: 5000, giveUpMs: 300_000 }, buffer: 1000 },
      limits: {
        document: { maxDepth: 15, maxAliases: 30, maxTokens: 5000, maxCost: 20_000, maxDirectives: 50, maxBytes: 100_000 },
        documentCacheBytes: 33_554_432,
        maxBodyBytes: 1_048_576,
        loginFailures: { perUser: 10, perIp: 50, windowS: 60 },
      },
      roster: { pendingRequestsFreshnessMs: 10_000 },
      conversations: { freshnessMs: 0 },
      tokens: {
        secret: undefined,
        secretFile: "data/token-secret",
        storePath: "data/token-revocations.json",
        redisUrl: undefined,
        accessTtlS: 3600,
        refreshTtlS: 2_160_000,
      },
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      ...REQUIRED,
      HOST: "0.0.0.0",
      PORT: "0",
      POOL_MAX_SESSIONS: "5",
      POOL_IDLE_TIMEOUT_MS: "1000",
      XMPP_IQ_TIMEOUT_MS: "2000",
      XMPP_CONNECT_TIMEOUT_MS: "3000",
      XMPP_TLS_CA_FILE: "/etc/ssl/private-ca.pem",
      CREDENTIAL_RECHECK_S: "5",
      LOG_LEVEL: "debug",
    });
    expect(config.http).toEqual({ host: "0.0.0.0", port: 0, corsOrigins: [], trustProxyHops: 0, graphiql: true, webChat: true, introspection: true, metrics: true });
    expect(config.pool).toEqual({ maxSessions: 5, idleTimeoutMs: 1000, credentialRecheckMs: 5000 });
    expect(config.xmpp.tlsCaFile).toBe("/etc/ssl/private-ca.pem");
    expect(config.xmpp.iqTimeoutMs).toBe(2000);
    expect(config.xmpp.connectTimeoutMs).toBe(3000);
    expect(config.logLevel).toBe("debug");
  });

  it("requires XMPP_SERVICE and XMPP_DOMAIN", () => {
    const found = problems({});
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^XMPP_SERVICE is required/);
    expect(found[1]).toMatch(/^XMPP_DOMAIN is required/);
  });

  it("reports every problem at once", () => {
    const found = problems({ XMPP_DOMAIN: "localhost", PORT: "http", POOL_MAX_SESSIONS: "-3" });
    expect(found).toEqual([
      "XMPP_SERVICE is required (e.g. xmpp://127.0.0.1:5222)",
      "PORT must be a whole decimal number",
      "POOL_MAX_SESSIONS must be a whole decimal number",
    ]);
  });

  it("puts every problem in the error message", () => {
    try {
      loadConfig({ ...REQUIRED, PORT: "70000", LOG_LEVEL: "loud" });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).name).toBe("ConfigError");
      expect((error as ConfigError).message).toContain("PORT must be at most 65535");
      expect((error as ConfigError).message).toMatch(/LOG_LEVEL: /);
    }
  });

  it("refuses out-of-range and non-integer numbers", () => {
    expect(problems({ ...REQUIRED, PORT: "-1" })).toEqual(["PORT must be a whole decimal number"]);
    expect(problems({ ...REQUIRED, PORT: "80.5" })).toEqual(["PORT must be a whole decimal number"]);
    expect(problems({ ...REQUIRED, PORT: "0x10" })).toEqual(["PORT must be a whole decimal number"]);
    expect(problems({ ...REQUIRED, PORT: "1e3" })).toEqual(["PORT must be a whole decimal number"]);
    expect(problems({ ...REQUIRED, XMPP_IQ_TIMEOUT_MS: "0" })).toEqual(["XMPP_IQ_TIMEOUT_MS must be positive"]);
    expect(problems({ ...REQUIRED, POOL_IDLE_TIMEOUT_MS: "1.5" })).toEqual(["POOL_IDLE_TIMEOUT_MS must be a whole decimal number"]);
  });

  it("refuses an unknown log level with the variable's name", () => {
    expect(problems({ ...REQUIRED, LOG_LEVEL: "trace" })[0]).toMatch(/^LOG_LEVEL: /);
  });

  it("reads the HTTP settings, with production defaults under NODE_ENV=production", () => {
    const http = loadConfig({ ...REQUIRED, CORS_ORIGINS: "https://app.example.com, http://localhost:3000/", TRUST_PROXY: "1", GRAPHIQL: "off", INTROSPECTION: "0" }).http;
    expect(http).toMatchObject({ corsOrigins: ["https://app.example.com", "http://localhost:3000"], trustProxyHops: 1, graphiql: false, introspection: false });
    expect(loadConfig({ ...REQUIRED, CORS_ORIGINS: "*" }).http.corsOrigins).toBe("*");
    expect(loadConfig({ ...REQUIRED, NODE_ENV: "production" }).http).toMatchObject({ graphiql: false, introspection: false });
    expect(loadConfig({ ...REQUIRED, NODE_ENV: "production", GRAPHIQL: "true" }).http).toMatchObject({ graphiql: true, introspection: false });
    expect(loadConfig({ ...REQUIRED, NODE_ENV: "production" }).http.webChat).toBe(false);
    expect(loadConfig({ ...REQUIRED, NODE_ENV: "production", WEB_CHAT: "on" }).http.webChat).toBe(true);
  });

  it("refuses HTTP settings it cannot read, all at once", () => {
    expect(problems({ ...REQUIRED, CORS_ORIGINS: "app.example.com,*", TRUST_PROXY: "yes", GRAPHIQL: "maybe" })).toEqual([
      "CORS_ORIGINS must list origins such as https://app.example.com (comma-separated), or be *",
      "TRUST_PROXY must be a whole decimal number",
      "GRAPHIQL must be true or false",
    ]);
  });

  it("treats blank values as unset", () => {
    expect(loadConfig({ ...REQUIRED, PORT: "   " }).http.port).toBe(5561);
  });

  it("treats empty strings as unset", () => {
    const config = loadConfig({ ...REQUIRED, HOST: "", PORT: "", LOG_LEVEL: "", POOL_MAX_SESSIONS: "" });
    expect(config.http).toEqual({ host: "127.0.0.1", port: 5561, corsOrigins: [], trustProxyHops: 0, graphiql: true, webChat: true, introspection: true, metrics: true });
    expect(config.logLevel).toBe("info");
    expect(config.pool.maxSessions).toBe(10_000);
    expect(problems({ XMPP_SERVICE: "", XMPP_DOMAIN: "" })).toHaveLength(2);
  });

  it("lower-cases the domain and drops the service's trailing slash", () => {
    const config = loadConfig({ XMPP_SERVICE: "xmpps://xmpp.example.org:5223/", XMPP_DOMAIN: "Example.ORG" });
    expect(config.xmpp.service).toBe("xmpps://xmpp.example.org:5223");
    expect(config.xmpp.domain).toBe("example.org");
    expect(loadConfig({ ...REQUIRED, XMPP_SERVICE: "xmpp://localhost" }).xmpp.service).toBe("xmpp://localhost");
  });

  it.each(["http://localhost:5222", "localhost:5222", "xmpp://localhost:5222/path", "xmpp://", "ws://localhost:5280"])(
    "refuses the service %s",
    (service) => {
      expect(problems({ ...REQUIRED, XMPP_SERVICE: service })).toEqual([
        "XMPP_SERVICE must look like xmpp://host:port or xmpps://host:port",
      ]);
    },
  );

  it.each(["alice@localhost", "localhost/res", "local host"])("refuses the domain %s", (domain) => {
    expect(problems({ ...REQUIRED, XMPP_DOMAIN: domain })).toEqual(["XMPP_DOMAIN must be a bare domain name"]);
  });

  it("keeps a generated token secret beside the revocation file", () => {
    expect(loadConfig({ ...REQUIRED, TOKEN_STORE_PATH: "/var/lib/xg/revocations.json" }).tokens.secretFile).toBe("/var/lib/xg/token-secret");
  });

  it("requires one TOKEN_SECRET for instances sharing Redis", () => {
    expect(problems({ ...REQUIRED, REDIS_URL: "redis://127.0.0.1:6379" })).toEqual([
      "TOKEN_SECRET is required with REDIS_URL: gateway instances that share Redis must share one token secret",
    ]);
    expect(loadConfig({ ...REQUIRED, REDIS_URL: "redis://r:6379", TOKEN_SECRET: "s".repeat(32) }).tokens.redisUrl).toBe("redis://r:6379");
  });

  it("ignores unrelated variables", () => {
    expect(loadConfig({ ...REQUIRED, PATH: "/usr/bin", UNRELATED: "x" }).http.port).toBe(5561);
  });
});
