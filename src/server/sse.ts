import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError, subscribe, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { GraphQLContext } from "../graphql/context.js";
import { prepareOperation, RequestRefused } from "./operation.js";
import { formatResult, withoutHttpHint } from "./format-result.js";
import { readQueryParams, requireQuery } from "./query-params.js";
import type { DocumentLimits } from "./limits.js";

/** Builds the context for a request from its Authorization header; throws GraphQLError (401/503). */
export type ContextFromHeader = (authorization: string | undefined) => Promise<GraphQLContext>;

/** Answers a request refused before streaming: the status and a JSON `{"errors": […]}`. */
export function refuse(res: ServerResponse, status: number, errors: readonly GraphQLError[]): void {
  const body = JSON.stringify({ errors: errors.map((e) => withoutHttpHint(e.toJSON())) });
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * MongooseIM's SSE transport: `GET /api/graphql/sse?query=…&variables=…` with Basic auth.
 * Each result is one SSE event with `id: 1, 2, …` and `data: <JSON>`, without an event
 * name, so a browser EventSource's `onmessage` receives it. Errors before the stream
 * starts answer with the HTTP status and a JSON `{"errors": […]}` body.
 */
export async function handleSse(
  req: IncomingMessage,
  res: ServerResponse,
  schema: GraphQLSchema,
  contextFromHeader: ContextFromHeader,
  log: (error: unknown) => void,
  limits: DocumentLimits,
): Promise<void> {
  if (req.method !== "GET") {
    res.setHeader("allow", "GET");
    return refuse(res, 405, [new GraphQLError("The SSE endpoint accepts only GET", { extensions: { code: "method_not_allowed" } })]);
  }
  let context: GraphQLContext;
  let params: { query: string; variables: Record<string, unknown> | undefined; operationName: string | undefined };
  try {
    context = await contextFromHeader(req.headers.authorization);
    params = requireQuery(readQueryParams(req.url ?? ""));
  } catch (error) {
    if (error instanceof GraphQLError) {
      return refuse(res, (error.extensions.http as { status?: number } | undefined)?.status ?? 400, [error]);
    }
    throw error;
  }
  let stream: AsyncGenerator<ExecutionResult> | ExecutionResult;
  try {
    const { document } = prepareOperation(schema, params, "sse", context.caller !== undefined, limits);
    stream = await subscribe({ schema, document, variableValues: params.variables, operationName: params.operationName, contextValue: context });
  } catch (error) {
    if (error instanceof RequestRefused) return refuse(res, error.status, error.errors);
    throw error;
  }
  if (!(Symbol.asyncIterator in stream)) {
    // Variable coercion or subscribe-time errors: nothing was streamed yet.
    const result = formatResult(stream, log);
    return refuse(res, 400, (result.errors ?? []).map((e) => new GraphQLError(e.message, { extensions: e.extensions })));
  }
  const iterator = stream;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.flushHeaders();
  // A comment line every 15 s keeps proxies from closing an idle stream.
  const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), 15_000);
  const stop = () => void iterator.return?.(undefined);
  req.on("close", stop);
  let id = 0;
  try {
    for await (const result of iterator) {
      id += 1;
      res.write(`id: ${id}\ndata: ${JSON.stringify(formatResult(result, log))}\n\n`);
    }
  } catch (error) {
    log(error);
  } finally {
    clearInterval(keepAlive);
    req.off("close", stop);
    res.end();
  }
}
