import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError } from "graphql";
import type { Pipeline } from "./pipeline.js";
import { RequestRefused } from "./operation.js";
import type { RequestObserver } from "./request-record.js";
import { paramsFromForm, paramsFromUrl, type RawParams } from "./request-params.js";
import { bodySizeRefusal } from "./http-limits.js";
import { jsonResponseType, notAcceptable, sendErrors, sendOutcome } from "./respond.js";

/*
 * GraphQL over HTTP on one path: POST (JSON, `application/graphql`, form bodies), GET
 * (query string), the GraphiQL page for browsers, and CORS preflights. This module only
 * reads requests and writes responses; the pipeline decides everything else.
 */

export interface GraphQLHttpOptions {
  maxBodyBytes: number;
  /** Serves the GraphiQL page to a GET whose Accept header asks for HTML; unset: GraphiQL is off (404). */
  graphiql: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** The client's address (the proxy settings decide which hop to believe). */
  clientIp(req: IncomingMessage): string;
  /** Where the operation of a request is noted for its access line. */
  observer: RequestObserver;
}

const coded = (message: string, code: string, status: number, headers?: Record<string, string>) =>
  new GraphQLError(message, { extensions: { code, http: { status, ...(headers && { headers }) } } });

/** The request handler of the GraphQL endpoint. Never rejects. */
export function createGraphQLHttpHandler(pipeline: Pipeline, options: GraphQLHttpOptions) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if ((req.method === "GET" || req.method === "HEAD") && req.headers.accept?.includes("text/html")) {
        if (options.graphiql) return options.graphiql(req, res);
        res.writeHead(404, { "content-type": "text/plain" });
        return void res.end("GraphiQL is switched off on this server (GRAPHIQL=false)");
      }
      if (req.method !== "GET" && req.method !== "POST") {
        return sendErrors(req, res, [coded(`The ${req.method} method is not supported here; use GET or POST`, "method_not_allowed", 405, { allow: "GET, POST" })]);
      }
      const type = jsonResponseType(req.headers.accept);
      if (!type) return sendErrors(req, res, [notAcceptable()]);
      const raw = req.method === "GET" ? paramsOrRefusal(() => paramsFromUrl(req.url ?? "")) : await readPostParams(req, options.maxBodyBytes);
      const credentials = { authorization: req.headers.authorization, clientIp: options.clientIp(req) };
      const outcome = await pipeline.serve("http", raw, credentials, {
        readOnly: req.method === "GET",
        onOperation: (info) => (options.observer.of(req).operation = info),
      });
      if (outcome.kind === "stream") {
        // The http transport refuses subscriptions before running them.
        outcome.stop();
        throw new Error("a subscription ran over plain HTTP");
      }
      sendOutcome(req, res, outcome, type);
    } catch (error) {
      const outcome = pipeline.internalError(error);
      if (outcome.kind !== "result" || res.headersSent) return void res.end();
      sendOutcome(req, res, outcome);
    }
  };
}

function paramsOrRefusal(read: () => RawParams): RawParams | RequestRefused {
  try {
    return read();
  } catch (error) {
    if (error instanceof RequestRefused) return error;
    throw error;
  }
}

/** The parameters of a POST body, or why it is refused (size, media type, JSON). */
async function readPostParams(req: IncomingMessage, maxBodyBytes: number): Promise<RawParams | RequestRefused> {
  const tooLarge = bodySizeRefusal(req, maxBodyBytes);
  if (tooLarge) return new RequestRefused(tooLarge.status, [tooLarge.error]);
  const mediaType = req.headers["content-type"]?.split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/json") {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return new RequestRefused(400, [coded("The request JSON body is invalid", "invalid_json_body", 400)]);
    }
    if (Array.isArray(body)) return new RequestRefused(400, [coded("Batched requests are not supported", "batching_not_supported", 400)]);
    if (body === null || typeof body !== "object") return new RequestRefused(400, [coded("The request JSON body is invalid", "invalid_json_body", 400)]);
    return body as RawParams;
  }
  if (mediaType === "application/graphql") return { query: await readBody(req) };
  if (mediaType === "application/x-www-form-urlencoded") {
    const text = await readBody(req);
    return paramsOrRefusal(() => paramsFromForm(text));
  }
  return new RequestRefused(415, [coded("The request body must be application/json (or application/graphql)", "unsupported_media_type", 415)]);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
