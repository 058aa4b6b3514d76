import { dirname, join } from "node:path";
import { z } from "zod";

/**
 * The gateway's configuration. This module is the only reader of `process.env`;
 * every problem is reported at once so an operator fixes them in one go.
 */
// Decimal digits only: `Number()` would also take "0x10", "1e3" or " " (as 0).
const decimal = (name: string) => z.string().regex(/^\d+$/, `${name} must be a whole decimal number`).transform(Number);
const positiveInt = (name: string, fallback: number) =>
  decimal(name).pipe(z.number().positive(`${name} must be positive`)).default(fallback);
// A switch; unset means the default of the environment (NODE_ENV), decided after parsing.
const flag = (name: string) =>
  z.enum(["true", "false", "1", "0", "on", "off"], { error: `${name} must be true or false` }).transform((v) => ["true", "1", "on"].includes(v)).optional();
// Origins as a browser sends them: scheme, host and port, nothing after.
const ORIGIN = /^https?:\/\/[^/\s]+$/;

const schema = z.object({
  XMPP_SERVICE: z
    .string({ error: "XMPP_SERVICE is required (e.g. xmpp://127.0.0.1:5222)" })
    .regex(/^xmpps?:\/\/[^/\s:]+(:\d{1,5})?\/?$/, "XMPP_SERVICE must look like xmpp://host:port or xmpps://host:port"),
  XMPP_DOMAIN: z
    .string({ error: "XMPP_DOMAIN is required (the users' domain, e.g. localhost)" })
    .min(1, "XMPP_DOMAIN must not be empty")
    .regex(/^[^\s@/]+$/, "XMPP_DOMAIN must be a bare domain name"),
  HOST: z.string().min(1).default("127.0.0.1"),
  NODE_ENV: z.string().optional(),
  CORS_ORIGINS: z
    .string()
    .transform((v) => v.split(",").map((o) => o.trim().replace(/\/$/, "")).filter(Boolean))
    .refine((list) => (list.length === 1 && list[0] === "*") || list.every((o) => ORIGIN.test(o)), {
      error: "CORS_ORIGINS must list origins such as https://app.example.com (comma-separated), or be *",
    })
    .optional(),
  TRUST_PROXY: decimal("TRUST_PROXY").pipe(z.number().max(10, "TRUST_PROXY counts proxy hops (0-10)")).default(0),
  GRAPHIQL: flag("GRAPHIQL"),
  WEB_CHAT: flag("WEB_CHAT"),
  METRICS: flag("METRICS"),
  INTROSPECTION: flag("INTROSPECTION"),
  PORT: decimal("PORT").pipe(z.number().max(65535, "PORT must be at most 65535")).default(5561),
  POOL_MAX_SESSIONS: positiveInt("POOL_MAX_SESSIONS", 10_000),
  POOL_IDLE_TIMEOUT_MS: positiveInt("POOL_IDLE_TIMEOUT_MS", 300_000),
  XMPP_IQ_TIMEOUT_MS: positiveInt("XMPP_IQ_TIMEOUT_MS", 10_000),
  XMPP_CONNECT_TIMEOUT_MS: positiveInt("XMPP_CONNECT_TIMEOUT_MS", 10_000),
  XMPP_TLS_CA_FILE: z.string().min(1).optional(),
  CREDENTIAL_RECHECK_S: positiveInt("CREDENTIAL_RECHECK_S", 60),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  LOG_FORMAT: z.enum(["json", "pretty"]).default("json"),
  MAX_QUERY_DEPTH: positiveInt("MAX_QUERY_DEPTH", 15),
  MAX_QUERY_ALIASES: positiveInt("MAX_QUERY_ALIASES", 30),
  MAX_QUERY_TOKENS: positiveInt("MAX_QUERY_TOKENS", 5000),
  MAX_QUERY_COST: positiveInt("MAX_QUERY_COST", 20_000),
  MAX_QUERY_DIRECTIVES: positiveInt("MAX_QUERY_DIRECTIVES", 50),
  MAX_QUERY_BYTES: positiveInt("MAX_QUERY_BYTES", 100_000),
  DOCUMENT_CACHE_BYTES: positiveInt("DOCUMENT_CACHE_BYTES", 32 * 1024 * 1024),
  MAX_BODY_BYTES: positiveInt("MAX_BODY_BYTES", 1024 * 1024),
  LOGIN_FAILURES_PER_USER: positiveInt("LOGIN_FAILURES_PER_USER", 10),
  LOGIN_FAILURES_PER_IP: positiveInt("LOGIN_FAILURES_PER_IP", 50),
  LOGIN_FAILURE_WINDOW_S: positiveInt("LOGIN_FAILURE_WINDOW_S", 60),
  PENDING_REQUESTS_FRESHNESS_MS: decimal("PENDING_REQUESTS_FRESHNESS_MS").pipe(z.number().max(600_000, "PENDING_REQUESTS_FRESHNESS_MS is at most 600000")).default(10_000),
  CONVERSATIONS_FRESHNESS_MS: decimal("CONVERSATIONS_FRESHNESS_MS").pipe(z.number().max(60_000, "CONVERSATIONS_FRESHNESS_MS is at most 60000")).default(0),
  SUBSCRIPTION_RECONNECT_MIN_MS: positiveInt("SUBSCRIPTION_RECONNECT_MIN_MS", 250),
  SUBSCRIPTION_RECONNECT_MAX_MS: positiveInt("SUBSCRIPTION_RECONNECT_MAX_MS", 5000),
  SUBSCRIPTION_RECONNECT_GIVE_UP_MS: positiveInt("SUBSCRIPTION_RECONNECT_GIVE_UP_MS", 300_000),
  SUBSCRIPTION_BUFFER: positiveInt("SUBSCRIPTION_BUFFER", 1000),
  TOKEN_SECRET: z.string().min(32, "TOKEN_SECRET must be at least 32 characters").optional(),
  TOKEN_STORE_PATH: z.string().default("data/token-revocations.json"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "REDIS_URL must look like redis://host:port").optional(),
  ACCESS_TOKEN_TTL_S: positiveInt("ACCESS_TOKEN_TTL_S", 3600),
  REFRESH_TOKEN_TTL_S: positiveInt("REFRESH_TOKEN_TTL_S", 25 * 24 * 3600),
});

// Instances sharing Redis sit behind one balancer: a secret generated per instance would
// make each refuse the others' tokens at random, so they must be given one.
const checked = schema.refine((e) => !e.REDIS_URL || e.TOKEN_SECRET, {
  path: ["TOKEN_SECRET"],
  message: "TOKEN_SECRET is required with REDIS_URL: gateway instances that share Redis must share one token secret",
});

/** Every environment variable the gateway reads (the CLI offers each as a flag). */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

export interface Config {
  xmpp: {
    service: string;
    domain: string;
    iqTimeoutMs: number;
    connectTimeoutMs: number;
    /** A PEM file of certificate authorities to trust for STARTTLS besides Node's own. */
    tlsCaFile: string | undefined;
  };
  http: {
    host: string;
    port: number;
    /** Origins whose pages may read responses ("*": any); the gateway's own origin always may. */
    corsOrigins: readonly string[] | "*";
    /** How many proxies in front of the gateway append to X-Forwarded-For and are believed (0: none). */
    trustProxyHops: number;
    /** Serve the GraphiQL page (default: on, off when NODE_ENV=production). */
    graphiql: boolean;
    /** Serve the example web chat at /chat/ (default: on, off when NODE_ENV=production; built by `npm run build:web-chat`). */
    webChat: boolean;
    /** Answer __schema/__type (default: on, off when NODE_ENV=production). */
    introspection: boolean;
    /** Serve Prometheus metrics at /metrics (default: on). */
    metrics: boolean;
  };
  /** `credentialRecheckMs`: how long a login's proof of a password or token keys is trusted. */
  pool: { maxSessions: number; idleTimeoutMs: number; credentialRecheckMs: number };
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** JSON lines (default) or short human lines (`npm run dev`). */
  logFormat: "json" | "pretty";
  subscriptions: {
    reconnect: { minMs: number; maxMs: number; giveUpMs: number };
    /** Events that may wait for one slow subscriber before its stream ends. */
    buffer: number;
  };
  limits: {
    document: { maxDepth: number; maxAliases: number; maxTokens: number; maxCost: number; maxDirectives: number; maxBytes: number };
    /** Memory budget of the parsed-document cache (an estimate of what its documents hold). */
    documentCacheBytes: number;
    maxBodyBytes: number;
    /** Failed logins tolerated per user and per client address within the window. */
    loginFailures: { perUser: number; perIp: number; windowS: number };
  };
  roster: {
    /**
     * How long the pending subscription requests a brief available presence heard are
     * trusted before a roster read makes the session available again (each time contacts
     * see the user online for a moment).
     */
    pendingRequestsFreshnessMs: number;
  };
  conversations: {
    /**
     * How old the conversation index may be when `conversations.list` / `get` answer from
     * the session's memory without reading the archives again (0: read them on every
     * request). Changes made through the gateway always read them.
     */
    freshnessMs: number;
  };
  tokens: {
    /** TOKEN_SECRET; without it the gateway generates one once and keeps it in `secretFile`. */
    secret: string | undefined;
    /** The generated secret's file: `token-secret` in the data directory, beside `storePath`. */
    secretFile: string;
    storePath: string;
    redisUrl: string | undefined;
    accessTtlS: number;
    refreshTtlS: number;
  };
}

/** Thrown by {@link loadConfig}; `problems` lists every invalid or missing variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Reads and validates the configuration from an environment map (default: process.env).
 * @throws ConfigError listing all problems at once.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Blank values count as unset, so `PORT= npm start` falls back to the default.
  const present = Object.fromEntries(
    Object.entries(env).flatMap(([k, v]) => (v === undefined || v.trim() === "" ? [] : [[k, v.trim()]])),
  );
  const parsed = checked.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join(".");
        return issue.message.startsWith(key) ? issue.message : `${key}: ${issue.message}`;
      }),
    );
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  return {
    xmpp: {
      service: e.XMPP_SERVICE.replace(/\/$/, ""),
      domain: e.XMPP_DOMAIN.toLowerCase(),
      iqTimeoutMs: e.XMPP_IQ_TIMEOUT_MS,
      connectTimeoutMs: e.XMPP_CONNECT_TIMEOUT_MS,
      tlsCaFile: e.XMPP_TLS_CA_FILE,
    },
    http: {
      host: e.HOST,
      port: e.PORT,
      corsOrigins: e.CORS_ORIGINS?.[0] === "*" ? "*" : (e.CORS_ORIGINS ?? []),
      trustProxyHops: e.TRUST_PROXY,
      graphiql: e.GRAPHIQL ?? !production,
      webChat: e.WEB_CHAT ?? !production,
      introspection: e.INTROSPECTION ?? !production,
      metrics: e.METRICS ?? true,
    },
    pool: { maxSessions: e.POOL_MAX_SESSIONS, idleTimeoutMs: e.POOL_IDLE_TIMEOUT_MS, credentialRecheckMs: e.CREDENTIAL_RECHECK_S * 1000 },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    subscriptions: {
      reconnect: {
        minMs: e.SUBSCRIPTION_RECONNECT_MIN_MS,
        maxMs: e.SUBSCRIPTION_RECONNECT_MAX_MS,
        giveUpMs: e.SUBSCRIPTION_RECONNECT_GIVE_UP_MS,
      },
      buffer: e.SUBSCRIPTION_BUFFER,
    },
    limits: {
      document: {
        maxDepth: e.MAX_QUERY_DEPTH,
        maxAliases: e.MAX_QUERY_ALIASES,
        maxTokens: e.MAX_QUERY_TOKENS,
        maxCost: e.MAX_QUERY_COST,
        maxDirectives: e.MAX_QUERY_DIRECTIVES,
        maxBytes: e.MAX_QUERY_BYTES,
      },
      documentCacheBytes: e.DOCUMENT_CACHE_BYTES,
      maxBodyBytes: e.MAX_BODY_BYTES,
      loginFailures: { perUser: e.LOGIN_FAILURES_PER_USER, perIp: e.LOGIN_FAILURES_PER_IP, windowS: e.LOGIN_FAILURE_WINDOW_S },
    },
    roster: { pendingRequestsFreshnessMs: e.PENDING_REQUESTS_FRESHNESS_MS },
    conversations: { freshnessMs: e.CONVERSATIONS_FRESHNESS_MS },
    tokens: {
      secret: e.TOKEN_SECRET,
      secretFile: join(dirname(e.TOKEN_STORE_PATH), "token-secret"),
      storePath: e.TOKEN_STORE_PATH,
      redisUrl: e.REDIS_URL,
      accessTtlS: e.ACCESS_TOKEN_TTL_S,
      refreshTtlS: e.REFRESH_TOKEN_TTL_S,
    },
  };
}
