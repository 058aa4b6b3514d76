import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError } from "graphql";
import type { Pipeline } from "./pipeline.js";
import { RequestRefused } from "./operation.js";
import type { RequestObserver } from "./request-record.js";
import { paramsFromUrl, type RawParams } from "./request-params.js";
import { clientIpOf } from "./http-limits.js";
import { sendErrors, sendOutcome } from "./respond.js";
import { forgetRequestAuthorization } from "./forget-authorization.js";

// A comment line this often keeps proxies from closing an idle stream.
const KEEP_ALIVE_MS = 15_000;

/**
 * MongooseIM's SSE transport: `GET /api/graphql/sse?query=…&variables=…` with Basic auth.
 * Each result is one SSE event with `id: 1, 2, …` (or the stream's own cursor, see
 * SseOptions) and `data: <JSON>`, without an event
 * name, so a browser EventSource's `onmessage` receives it. Errors before the stream
 * starts answer with the HTTP status and a JSON `{"errors": […]}` body. Never rejects.
 */
export interface SseOptions {
  /**
   * The SSE id of a result: a string to send as `id:`, null to send none (the client keeps
   * its last one), undefined for the running count MongooseIM sends.
   */
  eventId?: (result: { data?: unknown }) => string | null | undefined;
  /** The client's address (default: the socket's peer). */
  clientIp?: (req: IncomingMessage) => string;
  /** Where the operation is noted, and subscription starts, ends and pushes reported. */
  observer?: RequestObserver;
}

export function createSseHandler(pipeline: Pipeline, options: SseOptions = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      if (req.method !== "GET") {
        return sendErrors(req, res, [new GraphQLError("The SSE endpoint accepts only GET", {
          extensions: { code: "method_not_allowed", http: { status: 405, headers: { allow: "GET" } } },
        })]);
      }
      let raw: RawParams | RequestRefused;
      try {
        raw = paramsFromUrl(req.url ?? "");
      } catch (error) {
        if (!(error instanceof RequestRefused)) throw error;
        raw = error;
      }
      const lastEventId = req.headers["last-event-id"];
      const record = options.observer?.of(req);
      const authorization = req.headers.authorization;
      // The stream keeps `req` for its whole life: it must not keep the password with it.
      forgetRequestAuthorization(req);
      const outcome = await pipeline.serve("sse", raw, { authorization, clientIp: (options.clientIp ?? clientIpOf)(req) }, {
        ...(typeof lastEventId === "string" && lastEventId !== "" && { resumeFrom: lastEventId }),
        onOperation: (info) => record && (record.operation = info),
      });
      if (outcome.kind === "result") return sendOutcome(req, res, outcome);
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      res.flushHeaders();
      const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
      req.on("close", outcome.stop);
      let id = 0;
      const telemetry = options.observer?.telemetry;
      if (record?.operation) telemetry?.subscription("start", "sse", record.operation, record.requestId);
      try {
        for await (const result of outcome.results) {
          id += 1;
          const eventId = options.eventId?.(result);
          const idLine = eventId === null ? "" : `id: ${eventId ?? id}\n`;
          res.write(`${idLine}data: ${JSON.stringify(result)}\n\n`);
          telemetry?.pushed("sse");
        }
      } finally {
        if (record?.operation) telemetry?.subscription("end", "sse", record.operation, record.requestId);
        clearInterval(keepAlive);
        req.off("close", outcome.stop);
        res.end();
      }
    } catch (error) {
      const outcome = pipeline.internalError(error);
      if (outcome.kind !== "result" || res.headersSent) return void res.end();
      sendOutcome(req, res, outcome);
    }
  };
}
