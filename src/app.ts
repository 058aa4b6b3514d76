import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLError } from "graphql";
import { createYoga } from "graphql-yoga";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import type { Config } from "./config.js";
import { ApiError } from "./errors/api-error.js";
import { apiErrorToGraphQL, maskError } from "./graphql/errors.js";
import type { GraphQLContext, Services } from "./graphql/context.js";
import { createSchema } from "./graphql/schema.js";
import { parseAuthorizationHeader } from "./auth/authorization-header.js";
import { authenticate } from "./auth/authenticate.js";
import { SessionPool } from "./pool/session-pool.js";
import { XmppSession } from "./xmpp/session.js";
import { RoomReentry } from "./muc/muc.reentry.js";
import { createLogger, type Logger } from "./logger.js";
import { TokenService } from "./token/token.api.js";
import { MemoryLoginThrottle, RedisLoginThrottle, type LoginThrottle } from "./auth/login-throttle.js";
import { useDocumentLimits } from "./server/limits.js";
import { bodySizeRefusal, clientIpOf } from "./server/http-limits.js";
import { handleJsonPost, isJsonPost, type JsonPostDeps } from "./server/http-post.js";
import { DocumentCache } from "./server/document-cache.js";
import { FileRevocationStore, RedisRevocationStore, type RevocationStore } from "./token/revocation-store.js";
import { handleSse, refuse } from "./server/sse.js";
import { readQueryParams } from "./server/query-params.js";
import { useCodedEmptyResponses, useMongooseAccessRules, useMongooseRequestErrors } from "./server/yoga-plugins.js";
import { prepareOperation, RequestRefused } from "./server/operation.js";
import { formatResult, withoutHttpStatus } from "./server/format-result.js";

export const GRAPHQL_PATH = "/api/graphql";

// What GraphiQL opens with: a first query that works for any user.
const GRAPHIQL_EXAMPLE = `# MongooseIM's user API over XMPP. Put "Authorization": "Basic <base64 of user@domain:password>"
# in the Headers tab, then run one of these operations.

query WhoAmI {
  checkAuth { username authStatus }
}

query Contacts {
  roster { listContacts { jid name groups subscription ask } }
}

mutation Say($to: JID!, $body: String!) {
  stanza { sendMessage(to: $to, body: $body) { id } }
}

subscription Incoming {
  stanza { subscribeForMessages { sender timestamp stanza } }
}
`;
export const SSE_PATH = "/api/graphql/sse";

export interface AppOptions {
  /** Headers GraphiQL starts with (the dev script pre-fills a demo user's Basic auth). */
  graphiqlDefaultHeaders?: string;
  logger?: Logger;
  /** Where token revocations live; by default Redis when configured, else a local file. */
  revocationStore?: RevocationStore;
  /** Failed-login counters; by default Redis when configured, else in memory. */
  loginThrottle?: LoginThrottle;
}

export interface App {
  /** Listens on the configured host/port; resolves with the base URL. */
  start(): Promise<string>;
  /** Stops accepting, ends subscriptions, closes every XMPP session cleanly. */
  stop(): Promise<void>;
  readonly server: Server;
  readonly pool: SessionPool;
}

/**
 * Wires the gateway: one node:http server carrying yoga (POST/GET and GraphiQL on
 * /api/graphql), graphql-ws on the same path, MongooseIM's SSE endpoint and /healthz.
 * Nothing listens until `start()`, so tests can build an app without opening a port.
 */
export function createApp(config: Config, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger(config.logLevel);
  const log = (error: unknown) => logger.error("unexpected error", error);
  // Rooms entered through the API are entered again after a connection fault; a user
  // whose session does not come back within a day (or beyond the pool's size) is forgotten.
  const roomReentry = new RoomReentry({ maxUsers: config.pool.maxSessions, keepMs: 24 * 60 * 60_000, timeoutMs: config.xmpp.iqTimeoutMs });
  const pool = new SessionPool({
    maxSessions: config.pool.maxSessions,
    idleTimeoutMs: config.pool.idleTimeoutMs,
    onOpened: (session) => roomReentry.attach(session),
    open: (login) =>
      XmppSession.open({
        service: config.xmpp.service,
        domain: config.xmpp.domain,
        username: login.username,
        password: "password" in login ? login.password : undefined,
        keys: "keys" in login ? login.keys : undefined,
        iqTimeoutMs: config.xmpp.iqTimeoutMs,
        connectTimeoutMs: config.xmpp.connectTimeoutMs,
      }),
  });
  const revocations = options.revocationStore ??
    (config.tokens.redisUrl ? new RedisRevocationStore(config.tokens.redisUrl) : new FileRevocationStore(config.tokens.storePath));
  const tokens = new TokenService(config.tokens.secret, revocations, {
    accessS: config.tokens.accessTtlS,
    refreshS: config.tokens.refreshTtlS,
  });
  const loginThrottle = options.loginThrottle ??
    (config.tokens.redisUrl
      ? new RedisLoginThrottle(config.tokens.redisUrl, config.limits.loginFailures)
      : new MemoryLoginThrottle(config.limits.loginFailures));
  const services: Services = { config, pool, tokens, loginThrottle };
  const schema = createSchema();

  /** The same context factory serves HTTP, graphql-ws and SSE. */
  async function contextFromHeader(authorization: string | null | undefined, clientIp: string): Promise<GraphQLContext> {
    try {
      const caller = await authenticate(parseAuthorizationHeader(authorization), services, clientIp);
      return { services, caller };
    } catch (error) {
      if (error instanceof ApiError) throw apiErrorToGraphQL(error);
      throw error;
    }
  }

  const yoga = createYoga<{ req: IncomingMessage }, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    batching: false,
    logging: false,
    context: ({ request, req }) => contextFromHeader(request.headers.get("authorization"), clientIpOf(req)),
    maskedErrors: { maskError: (error, message) => maskError(error, message, log) },
    // GraphiQL's assets come from an installed package: an offline machine gets a working page.
    renderGraphiQL,
    graphiql: {
      title: "xmpp-graphql",
      subscriptionsProtocol: "WS",
      defaultHeaders: options.graphiqlDefaultHeaders,
      defaultQuery: GRAPHIQL_EXAMPLE,
      shouldPersistHeaders: true,
    },
    plugins: [useDocumentLimits(config.limits.document), useMongooseAccessRules(), useMongooseRequestErrors(), useCodedEmptyResponses()],
  });

  const jsonPost: JsonPostDeps = {
    schema,
    documents: new DocumentCache(schema, config.limits.document),
    contextFor: (req) => contextFromHeader(req.headers.authorization, clientIpOf(req)),
    log,
  };

  let stopping = false;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      const body = JSON.stringify({ status: stopping ? "stopping" : "ok", sessions: pool.size });
      res.writeHead(stopping ? 503 : 200, { "content-type": "application/json" });
      res.end(body);
      return;
    }
    if (path === SSE_PATH) {
      handleSse(req, res, schema, (header) => contextFromHeader(header, clientIpOf(req)), log, config.limits.document).catch((error: unknown) => {
        log(error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: "GraphQL Internal Server Error", extensions: { code: "internal_server_error" } }] }));
      });
      return;
    }
    if (path === GRAPHQL_PATH) {
      if (req.method === "POST") {
        const refusal = bodySizeRefusal(req, config.limits.maxBodyBytes);
        if (refusal) return refuse(res, refusal.status, [refusal.error]);
        if (isJsonPost(req)) {
          void handleJsonPost(req, res, jsonPost);
          return;
        }
      }
      if (req.method === "GET") {
        // yoga crashes on `variables` that are not JSON; refuse such GETs as MongooseIM does.
        try {
          readQueryParams(req.url ?? "");
        } catch (error) {
          if (error instanceof GraphQLError) return refuse(res, 400, [error]);
          throw error;
        }
      }
      void yoga(req, res);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("Not Found");
  });
  server.keepAliveTimeout = 65_000;

  const wsServer = new WebSocketServer({ server, path: GRAPHQL_PATH, maxPayload: config.limits.maxBodyBytes });
  const wsContexts = new WeakMap<object, GraphQLContext>();
  const wsCleanup = useServer<Record<string, unknown>>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = params.Authorization ?? params.authorization ?? ctx.extra.request.headers.authorization;
        try {
          wsContexts.set(ctx, await contextFromHeader(typeof header === "string" ? header : undefined, clientIpOf(ctx.extra.request)));
          return true;
        } catch (error) {
          const status = error instanceof GraphQLError ? (error.extensions.http as { status?: number } | undefined)?.status : undefined;
          // 4401/4403 tell a graphql-ws client that retrying with the same credentials is pointless.
          ctx.extra.socket.close(status === 401 ? 4403 : 4500, error instanceof Error ? error.message.slice(0, 120) : "error");
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const context = wsContexts.get(ctx);
        if (!context) return [new GraphQLError("Connection not initialised")];
        try {
          const { document } = prepareOperation(schema, payload, "ws", context.caller !== undefined, config.limits.document);
          return { schema, document, variableValues: payload.variables, operationName: payload.operationName, contextValue: context };
        } catch (error) {
          if (error instanceof RequestRefused) return error.errors.map(withoutHttpStatus);
          throw error;
        }
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result, log),
    },
    wsServer,
  );

  return {
    server,
    pool,
    async start() {
      await revocations.open();
      await loginThrottle.open();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.http.port, config.http.host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    async stop() {
      stopping = true;
      await wsCleanup.dispose();
      wsServer.close();
      await pool.close();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await tokens.close();
      await loginThrottle.close();
    },
  };
}
