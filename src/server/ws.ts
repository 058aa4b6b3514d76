import type { Server } from "node:http";
import { GraphQLError, type ExecutionArgs } from "graphql";
import { WebSocketServer } from "ws";
import { useServer } from "graphql-ws/use/ws";
import type { GraphQLContext } from "../graphql/context.js";
import type { Pipeline, PreparedOperation } from "./pipeline.js";
import { RequestRefused } from "./operation.js";
import { readParams } from "./request-params.js";
import { clientIpOf } from "./http-limits.js";
import { formatResult, httpHintOf, withoutHttpHint } from "./format-result.js";

/** The graphql-ws transport on an HTTP server's path, and how to end it. */
export interface WsTransport {
  /** Completes every subscription and closes the sockets. */
  close(): Promise<void>;
}

/**
 * graphql-ws (graphql-transport-ws) on `path`: authenticates once per connection from
 * `connectionParams.Authorization` (or the upgrade request's header), then hands each
 * subscribe to the pipeline. Refusals come back as graphql-ws `error` messages with
 * MongooseIM's codes; a failed authentication closes with 4403 (wrong credentials, so
 * retrying is pointless) or 4500.
 */
export function attachWsTransport(server: Server, path: string, pipeline: Pipeline, log: (error: unknown) => void, maxPayload: number): WsTransport {
  const wsServer = new WebSocketServer({ server, path, maxPayload });
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
        const header = params.Authorization ?? params.authorization ?? ctx.extra.request.headers.authorization;
        try {
          const authorization = typeof header === "string" ? header : undefined;
          contexts.set(ctx, await pipeline.authenticate({ authorization, clientIp: clientIpOf(ctx.extra.request) }));
          return true;
        } catch (error) {
          const status = error instanceof GraphQLError ? httpHintOf(error)?.status : undefined;
          ctx.extra.socket.close(status === 401 ? 4403 : 4500, error instanceof Error ? error.message.slice(0, 120) : "error");
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const context = contexts.get(ctx);
        if (!context) return [new GraphQLError("Connection not initialised")];
        try {
          const operation = pipeline.prepare("ws", readParams(payload), context);
          prepared.set(operation.args, operation);
          return operation.args;
        } catch (error) {
          if (error instanceof RequestRefused) return error.errors.map(withoutStatus);
          throw error;
        }
      },
      execute: run,
      subscribe: run,
      onNext: (_ctx, _id, _payload, _args, result) => formatResult(result, log).body,
    },
    wsServer,
  );
  return {
    async close() {
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
