import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";

/**
 * Refuses a POST body the gateway will not read: one without a Content-Length (so that
 * its size is known before reading; every browser and HTTP library sends one) or one
 * larger than the limit. Node's parser then never delivers more than the declared size.
 * @returns the refusal, or undefined when the body may be read.
 */
export function bodySizeRefusal(req: IncomingMessage, maxBytes: number): { status: number; error: GraphQLError } | undefined {
  const declared = req.headers["content-length"];
  if (declared === undefined) {
    return {
      status: 411,
      error: new GraphQLError("The request must declare its body size (Content-Length)", { extensions: { code: "length_required" } }),
    };
  }
  if (Number(declared) > maxBytes) {
    return {
      status: 413,
      error: new GraphQLError(`The request body is larger than the ${maxBytes} bytes this server accepts`, {
        extensions: { code: "request_too_large", limit: maxBytes },
      }),
    };
  }
  return undefined;
}

/**
 * The client's address: the socket's peer, or, behind `trustedHops` proxies that each
 * append the address they received from to `X-Forwarded-For`, the entry that many hops
 * back. Entries further left are whatever the client claimed and are never believed.
 */
export function clientIpOf(req: IncomingMessage | undefined, trustedHops = 0): string {
  const peer = req?.socket.remoteAddress ?? "unknown";
  if (!req || trustedHops === 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : header ?? "").split(",").map((a) => a.trim()).filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedHops)]!;
}
