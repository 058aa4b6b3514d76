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

/** The client's address as the socket sees it (a proxy in front would need X-Forwarded-For handling). */
export function clientIpOf(req: IncomingMessage | undefined): string {
  return req?.socket.remoteAddress ?? "unknown";
}
