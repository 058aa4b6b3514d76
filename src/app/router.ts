import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError } from "graphql";
import { corsHeadersOf, type OriginPolicy } from "../server/origin-policy.js";
import { sendErrors, sendPreflight } from "../server/respond.js";
import type { Registry } from "prom-client";
import type { Readiness } from "../health/readiness.js";
import type { RequestObserver } from "../server/request-record.js";

/** A handler for one path; it answers every request it is given. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The gateway's HTTP routes by exact path (the query string is ignored); anything else
 * is a plain 404. Each route is a transport adapter or a small endpoint. The origin
 * policy is applied here, once for every route: a refused origin gets 403, an allowed
 * one its CORS headers and preflight answers.
 */
export function createRouter(routes: Readonly<Record<string, Route>>, origins: OriginPolicy, observer: RouterObserver): Route {
  // A Map: a path such as `/constructor` must not find Object.prototype's members.
  const byPath = new Map(Object.entries(routes));
  const transportOf = (path: string) => (path === observer.ssePath ? "sse" : path === observer.graphqlPath ? "http" : "other");
  return (req, res) => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const path = query === -1 ? url : url.slice(0, query);
    const route = byPath.get(path);
    const started = performance.now();
    const record = observer.open(req);
    res.setHeader("x-request-id", record.requestId);
    // One access line per request, when its response is done (or the client went away).
    res.once("close", () => {
      // Probes and metrics scrapes would drown the requests that matter.
      if (observer.quietPaths.has(path)) return;
      observer.telemetry.request({
        requestId: record.requestId,
        transport: transportOf(path),
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...record.operation,
        clientIp: observer.clientIp(req),
      });
    });
    if (!route) {
      res.writeHead(404, { "content-type": "text/plain" });
      return void res.end("Not Found");
    }
    const verdict = origins.judge(req);
    if (verdict.kind === "refused") {
      return sendErrors(req, res, [new GraphQLError(`Pages from ${verdict.origin} may not call this server (CORS_ORIGINS)`, {
        extensions: { code: "origin_not_allowed", http: { status: 403 } },
      })]);
    }
    const cors = corsHeadersOf(verdict);
    if (req.method === "OPTIONS") return sendPreflight(req, res, cors);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    return route(req, res);
  };
}

/** What the router needs to write access lines. */
export interface RouterObserver extends RequestObserver {
  graphqlPath: string;
  ssePath: string;
  /** Paths whose requests get no access line (health probes, metrics scrapes). */
  quietPaths: ReadonlySet<string>;
  clientIp(req: IncomingMessage): string;
}

/** `/readyz`: 200 when the instance can serve (see createReadiness), else 503; the body says what failed. */
export function readyRoute(readiness: Readiness): Route {
  return async (_req, res) => {
    const report = await readiness.check();
    const body = JSON.stringify({ status: report.ready ? "ready" : "unavailable", checks: report.checks });
    res.writeHead(report.ready ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(body);
  };
}

/** `/metrics`: the registry in Prometheus' text format. */
export function metricsRoute(registry: Registry): Route {
  return async (_req, res) => {
    const body = await registry.metrics();
    res.writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" });
    res.end(body);
  };
}

/** `/healthz` (liveness): 200 `ok` while serving, 503 `stopping` once shutdown began. */
export function healthRoute(state: { stopping(): boolean; sessions(): number }): Route {
  return (_req, res) => {
    const stopping = state.stopping();
    const body = JSON.stringify({ status: stopping ? "stopping" : "ok", sessions: state.sessions() });
    res.writeHead(stopping ? 503 : 200, { "content-type": "application/json" });
    res.end(body);
  };
}
