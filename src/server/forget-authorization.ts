import type { IncomingMessage } from "node:http";

/*
 * A subscription or a graphql-ws connection lives on after its login; the objects its
 * transport keeps for that long (the upgrade or SSE request, graphql-ws's connection
 * params) would otherwise hold the Authorization header — a Basic password — for as
 * long. Once the pipeline has authenticated the caller (the Caller then holds SCRAM keys,
 * see SessionPool.sealed), the transport forgets the header (graphql-ws params:
 * forgetParamsAuthorization in ws.ts, beside the reading of them).
 */

/** Removes the Authorization header from a request the transport keeps. */
export function forgetRequestAuthorization(req: IncomingMessage): void {
  delete req.headers.authorization;
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === "authorization") raw[i + 1] = "";
  }
}
