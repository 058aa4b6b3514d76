import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { printSchema } from "graphql";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import type { Plugin } from "@envelop/core";
import type { Config } from "./config.js";
import { ApiError } from "./errors/api-error.js";
import { apiErrorToGraphQL } from "./graphql/errors.js";
import { parseAuthorizationHeader } from "./auth/authorization-header.js";
import { authenticate } from "./auth/authenticate.js";
import type { SessionPool } from "./pool/session-pool.js";
import { createLogger, type Logger } from "./logger.js";
import { createSchema } from "./app/schema.js";
import { createServices, type ServiceOverrides } from "./app/services.js";
import { createRouter, healthRoute, metricsRoute, readyRoute } from "./app/router.js";
import { webChatRoutes } from "./app/web-chat.js";
import { createReadiness } from "./health/readiness.js";
import { probeXmppServer } from "./health/xmpp-probe.js";
import { createPipeline } from "./server/pipeline.js";
import { createGraphQLHttpHandler } from "./server/http.js";
import { createSseHandler } from "./server/sse.js";
import { eventsSseId } from "./events/events.resolvers.js";
import { attachWsTransport } from "./server/ws.js";
import { createOriginPolicy } from "./server/origin-policy.js";
import { clientIpOf } from "./server/http-limits.js";
import { createStaticAsset } from "./server/static-asset.js";
import { useNoIntrospection } from "./server/introspection.js";
import { listen } from "./server/listen.js";
import { createRequestObserver } from "./server/request-record.js";
import { createLogTelemetry } from "./telemetry/log-telemetry.js";
import { createMetrics } from "./telemetry/metrics.js";
import { fanOut } from "./telemetry/telemetry.js";

export const GRAPHQL_PATH = "/api/graphql";
export const SSE_PATH = "/api/graphql/sse";
/** The SDL, for client code generators (available whether introspection is on or not). */
export const SDL_PATH = "/api/graphql/schema.graphql";

// What GraphiQL opens with: a first query that works for any user.
export const GRAPHIQL_EXAMPLE = `# MongooseIM's user API over XMPP. Put "Authorization": "Basic <base64 of user@domain:password>"
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

# Everything a chat client shows, live; pass an event's cursor as $since to resume.
# Some event types share a field name with another type (from, kind, message): alias them.
subscription Events($since: String) {
  events {
    stream(since: $since) {
      __typename cursor at replayed
      ... on MessageEvent { message { id conversation from body outgoing } }
      ... on PresenceEvent { presence { jid show status idleSince resources { resource show priority } } }
      ... on RosterEvent { contact { jid name subscription } removed }
      ... on SubscriptionRequestEvent { requester: from request: kind text: message }
      ... on ChatStateEvent { from conversation state }
      ... on DisplayedEvent { from conversation upTo }
      ... on RoomEvent { room roomEvent: kind actor nick subject }
      ... on BlockingEvent { blocked unblocked }
      ... on ResyncEvent { reason }
    }
  }
}

mutation Away {
  presence { setPresence(show: AWAY, status: "back soon") { show status } }
}
`;

export interface AppOptions extends ServiceOverrides {
  /** Headers GraphiQL starts with (the dev script pre-fills a demo user's Basic auth). */
  graphiqlDefaultHeaders?: string;
  logger?: Logger;
  /** More envelop/yoga plugins for the request pipeline (metrics, tracing). */
  plugins?: Plugin[];
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
 * The composition root: the schema from the domains, the services, one request
 * pipeline, and its transports on one node:http server — GraphQL over HTTP and
 * GraphiQL on /api/graphql, graphql-ws on the same path, MongooseIM's SSE endpoint, the
 * example web chat on /chat/ (WEB_CHAT) and
 * /healthz. Nothing listens until `start()`, so tests can build an app without a port.
 */
export function createApp(config: Config, options: AppOptions = {}): App {
  const logger = options.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const log = (error: unknown) => logger.error({ err: error }, "unexpected error");
  const metrics = config.http.metrics
    ? createMetrics({ sessions: () => ({ pooled: services.pool.size, pinned: services.pool.pinnedSize }), proofs: () => services.pool.counters })
    : undefined;
  const telemetry = metrics ? fanOut(createLogTelemetry(logger), metrics.telemetry) : createLogTelemetry(logger);
  const observer = createRequestObserver(telemetry);
  const { services, open, close } = createServices(config, options, telemetry);

  const schema = createSchema();
  const pipeline = createPipeline({
    schema,
    limits: config.limits.document,
    documentCacheBytes: config.limits.documentCacheBytes,
    createContext: async ({ authorization, clientIp }) => ({
      services,
      caller: await authenticate(parseAuthorizationHeader(authorization), services, clientIp),
    }),
    toGraphQLError: (error) => {
      if (error instanceof ApiError) return apiErrorToGraphQL(error);
      throw error;
    },
    log,
    plugins: [...(config.http.introspection ? [] : [useNoIntrospection()]), ...(options.plugins ?? [])],
  });

  // GraphiQL's assets come from an installed package: an offline machine gets a working page.
  // Private: the dev page may carry a demo user's credentials in its default headers.
  const graphiql = config.http.graphiql
    ? createStaticAsset(renderGraphiQL({
      title: "xmpp-graphql",
      subscriptionsProtocol: "WS",
      defaultHeaders: options.graphiqlDefaultHeaders,
      defaultQuery: GRAPHIQL_EXAMPLE,
      shouldPersistHeaders: true,
    }), "text/html; charset=utf-8", "private, no-cache")
    : undefined;
  const clientIp = (req: IncomingMessage) => clientIpOf(req, config.http.trustProxyHops);
  const origins = createOriginPolicy(config.http.corsOrigins, config.http.trustProxyHops);

  let stopping = false;
  const { ping } = services.loginThrottle;
  const readiness = createReadiness({
    stopping: () => stopping,
    xmpp: () => probeXmppServer(config.xmpp.service, config.xmpp.domain, Math.min(config.xmpp.connectTimeoutMs, 3000)),
    store: ping && (() => ping()),
  });
  const server = createServer(createRouter({
    [GRAPHQL_PATH]: createGraphQLHttpHandler(pipeline, { maxBodyBytes: config.limits.maxBodyBytes, graphiql, clientIp, observer }),
    [SSE_PATH]: createSseHandler(pipeline, { eventId: eventsSseId, clientIp, observer }),
    [SDL_PATH]: createStaticAsset(printSchema(schema) + "\n", "text/plain; charset=utf-8"),
    "/healthz": healthRoute({ stopping: () => stopping, sessions: () => services.pool.size }),
    "/readyz": readyRoute(readiness),
    ...(metrics && { "/metrics": metricsRoute(metrics.registry) }),
    ...(config.http.webChat && webChatRoutes()),
  }, origins, { ...observer, graphqlPath: GRAPHQL_PATH, ssePath: SSE_PATH, quietPaths: new Set(["/healthz", "/readyz", "/metrics"]), clientIp }));
  server.keepAliveTimeout = 65_000;
  const ws = attachWsTransport(server, GRAPHQL_PATH, pipeline, { log, maxPayload: config.limits.maxBodyBytes, clientIp, origins, observer });

  return {
    server,
    pool: services.pool,
    async start() {
      await open();
      try {
        await listen(server, config.http.port, config.http.host);
      } catch (error) {
        await close();
        throw error;
      }
      const address = server.address() as AddressInfo;
      const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    async stop() {
      stopping = true;
      await ws.close();
      // The pool closes before the HTTP server so that live SSE streams end.
      await services.pool.close();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await close();
    },
  };
}
