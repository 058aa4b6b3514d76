import type { IncomingMessage, ServerResponse } from "node:http";

/** A handler for one path; it answers every request it is given. */
export type Route = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The gateway's HTTP routes by exact path (the query string is ignored); anything else
 * is a plain 404. Each route is a transport adapter or a small endpoint.
 */
export function createRouter(routes: Readonly<Record<string, Route>>): Route {
  // A Map: a path such as `/constructor` must not find Object.prototype's members.
  const byPath = new Map(Object.entries(routes));
  return (req, res) => {
    const url = req.url ?? "/";
    const query = url.indexOf("?");
    const route = byPath.get(query === -1 ? url : url.slice(0, query));
    if (route) return route(req, res);
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("Not Found");
  };
}

/** `/healthz`: 200 `ok` while serving, 503 `stopping` once shutdown began. */
export function healthRoute(state: { stopping(): boolean; sessions(): number }): Route {
  return (_req, res) => {
    const stopping = state.stopping();
    const body = JSON.stringify({ status: stopping ? "stopping" : "ok", sessions: state.sessions() });
    res.writeHead(stopping ? 503 : 200, { "content-type": "application/json" });
    res.end(body);
  };
}
