import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, type ExecutionArgs } from "graphql";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import type { GraphQLContext } from "../graphql/context.js";
import type { Pipeline, PreparedOperation } from "./pipeline.js";
import { RequestRefused } from "./operation.js";
import { readParams } from "./request-params.js";
import type { OriginPolicy } from "./origin-policy.js";
import type { RequestObserver } from "./request-record.js";
import type { OperationInfo } from "../telemetry/telemetry.js";
import { formatResult, httpHintOf, withoutHttpHint } from "./format-result.js";
import { forgetRequestAuthorization } from "./forget-authorization.js";

/** The graphql-ws transport on an HTTP server's path, and how to end it. */
export interface WsTransport {
  /** Completes every subscription and closes the sockets. */
  close(): Promise<void>;
}

/**
 * graphql-ws (graphql-transport-ws) on `path`: authenticates once per connection from
 * `connectionParams.Authorization`, `connectionParams.headers.Authorization` (Apollo's and
 * GraphiQL's form) or the upgrade request's header, then hands each
 * subscribe to the pipeline. Refusals come back as graphql-ws `error` messages with
 * MongooseIM's codes; a failed authentication closes with 4403 (wrong credentials, so
 * retrying is pointless) or 4500.
 */
export interface WsOptions {
  log(error: unknown): void;
  /** The largest message a client may send. */
  maxPayload: number;
  /** The client's address (the proxy settings decide which hop to believe). */
  clientIp(req: IncomingMessage): string;
  /** Browsers send Origin on the upgrade; WebSockets have no CORS, so the server must check it. */
  origins: OriginPolicy;
  /** Gives each connection a request id (from its upgrade request) and hears operations end. */
  observer: RequestObserver;
}

/** An operation of a connection that is running: for its access line and subscription end. */
interface Running {
  info: OperationInfo;
  started: number;
}

export function attachWsTransport(server: Server, path: string, pipeline: Pipeline, options: WsOptions): WsTransport {
  const { log, maxPayload, clientIp, origins, observer } = options;
  const { telemetry } = observer;
  // Per connection (graphql-ws's context object), by operation id.
  const running = new WeakMap<object, Map<string, Running>>();
  const finish = (ctx: { extra: { request: IncomingMessage } }, id: string, status: number) => {
    const operation = running.get(ctx)?.get(id);
    if (!operation) return;
    running.get(ctx)!.delete(id);
    const { requestId } = observer.of(ctx.extra.request);
    if (operation.info.operationType === "subscription") telemetry.subscription("end", "ws", operation.info, requestId);
    telemetry.request({
      requestId, transport: "ws", status, durationMs: Math.round((performance.now() - operation.started) * 100) / 100,
      ...operation.info, clientIp: clientIp(ctx.extra.request),
    });
  };
  // noServer: the upgrade is routed here, so that `ws` does not listen to the HTTP server's
  // own errors (it would report a taken port as an internal WebSocket error).
  const wsServer = new WebSocketServer({
    noServer: true,
    path,
    maxPayload,
    // A page of a refused origin gets 403 on the upgrade, before any credentials are read.
    verifyClient: ({ req }: { req: IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) =>
      origins.judge(req).kind === "refused" ? done(false, 403, "Origin not allowed (CORS_ORIGINS)") : done(true),
  });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!wsServer.shouldHandle(req)) return void socket.destroy();
    wsServer.handleUpgrade(req, socket, head, (client) => wsServer.emit("connection", client, req));
  };
  server.on("upgrade", onUpgrade);
  const contexts = new WeakMap<object, GraphQLContext>();
  const prepared = new WeakMap<ExecutionArgs, PreparedOperation>();
  const run = (args: ExecutionArgs) => {
    const operation = prepared.get(args);
    if (!operation) throw new Error("graphql-ws ran an operation the pipeline did not prepare");
    return operation.run() as never;
  };
  const cleanup = useServer<Record<string, unknown>>(
    {
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = authorizationOf(params) ?? ctx.extra.request.headers.authorization;
        forgetParamsAuthorization(ctx.connectionParams);
        forgetRequestAuthorization(ctx.extra.request);
        try {
          const authorization = typeof header === "string" ? header : undefined;
          contexts.set(ctx, await pipeline.authenticate({ authorization, clientIp: clientIp(ctx.extra.request) }));
          return true;
        } catch (error) {
          const status = error instanceof GraphQLError ? httpHintOf(error)?.status : undefined;
          ctx.extra.socket.close(status === 401 ? 4403 : 4500, error instanceof Error ? error.message.slice(0, 120) : "error");
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        let context = contexts.get(ctx);
        if (!context) return [new GraphQLError("Connection not initialised")];
        // GraphiQL (and graphql-http style clients) send the Headers tab with each operation,
        // in `extensions.headers`, not in connection_init: such an operation runs as them.
        const extensions = payload.extensions;
        const own = extensions !== null && typeof extensions === "object" && "headers" in extensions && extensions.headers !== null && typeof extensions.headers === "object"
          ? authorizationOf(extensions.headers as Record<string, unknown>)
          : undefined;
        if (own !== undefined) {
          forgetParamsAuthorization(extensions!.headers as Record<string, unknown>);
          try {
            context = await pipeline.authenticate({ authorization: own, clientIp: clientIp(ctx.extra.request) });
          } catch (error) {
            if (error instanceof GraphQLError) return [withoutStatus(error)];
            throw error;
          }
        }
        try {
          const operation = pipeline.prepare("ws", readParams(payload), context, {
            onOperation: (info) => {
              let byId = running.get(ctx);
              if (!byId) running.set(ctx, (byId = new Map()));
              byId.set(id, { info, started: performance.now() });
              if (info.operationType === "subscription") telemetry.subscription("start", "ws", info, observer.of(ctx.extra.request).requestId);
            },
          });
          prepared.set(operation.args, operation);
          return operation.args;
        } catch (error) {
          if (error instanceof RequestRefused) return error.errors.map(withoutStatus);
          throw error;
        }
      },
      execute: run,
      subscribe: run,
      onNext: (ctx, id, _payload, _args, result) => {
        if (running.get(ctx)?.get(id)?.info.operationType === "subscription") telemetry.pushed("ws");
        return formatResult(result, log).body;
      },
      onError: (ctx, id) => finish(ctx, id, 400),
      onComplete: (ctx, id) => finish(ctx, id, 200),
      // Operations still running when the socket closes end with it.
      onClose: (ctx) => {
        for (const id of [...(running.get(ctx)?.keys() ?? [])]) finish(ctx, id, 200);
      },
    },
    wsServer,
  );
  return {
    async close() {
      server.off("upgrade", onUpgrade);
      await cleanup.dispose();
      wsServer.close();
    },
  };
}

/** The same error without the `http` hint: graphql-ws has no HTTP status to give. */
function withoutStatus(error: GraphQLError): GraphQLError {
  if (!httpHintOf(error)) return error;
  const { extensions } = withoutHttpHint({ message: error.message, extensions: error.extensions });
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path, extensions });
}

/**
 * The Authorization a client put in its connectionParams: flat (`{ Authorization }`) or
 * as headers (`{ headers: { Authorization } }`, what Apollo Client and GraphiQL send),
 * in any letter case.
 */
export function authorizationOf(params: Record<string, unknown>): string | undefined {
  for (const [object, key] of authorizationKeys(params)) {
    const value = object[key];
    if (typeof value === "string") return value;
  }
  return undefined;
}

/**
 * Removes the Authorization from connection params (or an operation's `extensions.headers`)
 * once the caller is authenticated: graphql-ws keeps them for the connection's life, and
 * the connection must not keep the password that long (see forget-authorization.ts).
 */
export function forgetParamsAuthorization(params: Record<string, unknown> | undefined | null): void {
  if (!params) return;
  for (const [object, key] of authorizationKeys(params)) delete object[key];
}

/** Where params may carry an Authorization: flat, then under `headers`, any letter case. */
function authorizationKeys(params: Record<string, unknown>): Array<[Record<string, unknown>, string]> {
  const headers = params.headers;
  const objects = headers !== null && typeof headers === "object" ? [params, headers as Record<string, unknown>] : [params];
  return objects.flatMap((object) => Object.keys(object).filter((k) => k.toLowerCase() === "authorization").map((k): [Record<string, unknown>, string] => [object, k]));
}
