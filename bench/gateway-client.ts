import { request, type Agent, type IncomingMessage } from "node:http";
import { keepAliveAgent } from "./keep-alive-agent.js";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import type { SandboxUser } from "../scripts/sandbox/xmpp-sandbox.js";

/*
 * The gateway side as its clients see it: GraphQL over HTTP/1.1 keep-alive (node:http
 * Agent; Nagle off, as Node 20's agent defaults), graphql-ws over `ws`, and
 * MongooseIM's SSE transport read with node:http.
 */

export const LIST_CONTACTS = "query ListContacts { roster { listContacts { jid name groups subscription ask } } }";
const SUBSCRIBE = "subscription Incoming { stanza { subscribeForMessages { sender stanza } } }";

/** `Authorization` header value for a user. */
export function basicAuth(user: SandboxUser): string {
  return "Basic " + Buffer.from(`${user.jid}:${user.password}`).toString("base64");
}

/** A GraphQL answer that carried `errors` or a non-200 status. */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
}

/** One HTTP answer, and whether its request went out on a new TCP connection. */
export interface HttpAnswer {
  status: number;
  text: string;
  newConnection: boolean;
}

/**
 * POSTs `body` (JSON) to `url` with an `Authorization` header: over `agent`'s kept-alive
 * connections, or on a new connection closed afterwards when `agent` is false.
 */
export function postJson(agent: Agent | false, url: URL, authorization: string, body: string): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          "content-length": Buffer.byteLength(body),
          authorization,
          ...(agent ? {} : { connection: "close" }),
        },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), newConnection: !req.reusedSocket }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** POSTs GraphQL requests to the gateway over kept-alive connections. */
export class GatewayHttp {
  private readonly agent: Agent;
  private readonly url: URL;
  /** Kept-alive TCP connections opened so far (a check that keep-alive works). */
  connections = 0;

  constructor(baseUrl: string, maxSockets = 256) {
    this.url = new URL("/api/graphql", baseUrl);
    this.agent = keepAliveAgent(maxSockets);
  }

  /**
   * Runs one operation and returns the parsed `data`.
   * @param fresh opens a new TCP connection for this request (a cold client).
   * @throws GatewayError on a non-200 answer or GraphQL errors.
   */
  async post(authorization: string, query: string, fresh = false): Promise<any> {
    const response = await postJson(fresh ? false : this.agent, this.url, authorization, JSON.stringify({ query }));
    if (!fresh && response.newConnection) this.connections++;
    const parsed = JSON.parse(response.text) as { data?: any; errors?: unknown[] };
    if (response.status !== 200 || parsed.errors) throw new GatewayError(`HTTP ${response.status}: ${response.text.slice(0, 300)}`);
    return parsed.data;
  }

  /** The contacts of `roster.listContacts`. */
  async listContacts(authorization: string, fresh = false): Promise<unknown[]> {
    const data = await this.post(authorization, LIST_CONTACTS, fresh);
    return data.roster.listContacts as unknown[];
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A live message subscription that calls `onBody` with each message body it receives. */
export interface MessageSubscriber {
  stop(): Promise<void>;
}

const bodyOfStanza = (stanza: string | undefined) => (stanza ? /<body>([^<]*)<\/body>/.exec(stanza)?.[1] : undefined);

/** Subscribes to `subscribeForMessages` over graphql-ws; resolves once the connection is acknowledged. */
export async function subscribeWs(baseUrl: string, authorization: string, onBody: (body: string) => void): Promise<MessageSubscriber> {
  let acked!: () => void;
  let failed!: (error: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => ((acked = resolve), (failed = reject)));
  const client: Client = createClient({
    url: baseUrl.replace(/^http/, "ws") + "/api/graphql",
    webSocketImpl: WebSocket,
    connectionParams: { Authorization: authorization },
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: failed,
    on: { connected: () => acked() },
  });
  const dispose = client.subscribe<{ stanza: { subscribeForMessages: { stanza: string } } }>(
    { query: SUBSCRIBE },
    {
      next: (result) => {
        const body = bodyOfStanza(result.data?.stanza.subscribeForMessages.stanza);
        if (body) onBody(body);
      },
      error: (error) => failed(error),
      complete: () => undefined,
    },
  );
  await ready;
  return {
    async stop() {
      dispose();
      await client.dispose();
    },
  };
}

/** Opens MongooseIM's SSE endpoint; resolves once the 200 response headers arrive. */
export async function subscribeSse(baseUrl: string, authorization: string, onBody: (body: string) => void): Promise<MessageSubscriber> {
  const url = new URL(`/api/graphql/sse?query=${encodeURIComponent(SUBSCRIBE)}`, baseUrl);
  const req = request({
    host: url.hostname,
    port: url.port,
    path: url.pathname + url.search,
    agent: false,
    headers: { authorization, accept: "text/event-stream" },
  });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    req.on("response", resolve);
    req.on("error", reject);
    req.end();
  });
  if (res.statusCode !== 200) {
    res.resume();
    throw new GatewayError(`SSE answered HTTP ${res.statusCode}`);
  }
  res.setEncoding("utf8");
  let buffer = "";
  res.on("data", (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      for (const line of block.split("\n")) {
        if (!line.startsWith("data:")) continue;
        const event = JSON.parse(line.slice(5)) as { data?: { stanza?: { subscribeForMessages?: { stanza?: string } } } };
        const body = bodyOfStanza(event.data?.stanza?.subscribeForMessages?.stanza);
        if (body) onBody(body);
      }
    }
  });
  res.on("error", () => undefined);
  return {
    async stop() {
      req.destroy();
    },
  };
}
