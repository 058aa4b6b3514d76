import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { firstResultRecorder, serverOf } from "./compat-record.js";

const SUBSCRIBE = "subscription { stanza { subscribeForMessages { sender timestamp stanza_id stanza } } }";

/** The event of one `events { stream }` payload. */
export const streamEvent = (e: any) => e?.data?.events?.stream;

/** Whether a payload is a `RoomEvent` of `room` of that kind (selected as `roomEvent: kind`). */
export const isRoomEvent = (room: string, kind: string) => (e: any): boolean =>
  streamEvent(e)?.__typename === "RoomEvent" && streamEvent(e).room === room && streamEvent(e).roomEvent === kind;

/** A live subscription as a test sees it: what arrived, and a way to wait and to stop. */
export interface Subscriber<T = any> {
  events: T[];
  waitFor(predicate: (event: T) => boolean, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

function collector<T>() {
  const events: T[] = [];
  const waiters = new Set<{ p: (e: T) => boolean; resolve: (e: T) => void }>();
  return {
    events,
    push(event: T) {
      events.push(event);
      for (const w of waiters) if (w.p(event)) { waiters.delete(w); w.resolve(event); }
    },
    waitFor(p: (e: T) => boolean, timeoutMs = 5000): Promise<T> {
      const found = events.find(p);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = { p, resolve: (e: T) => { clearTimeout(t); resolve(e); } };
        const t = setTimeout(() => { waiters.delete(w); reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`)); }, timeoutMs);
        waiters.add(w);
      });
    },
  };
}

/** Subscribes over graphql-ws with the real graphql-ws client; resolves once the server acknowledged. */
export async function subscribeWs(
  baseUrl: string,
  connectionParams: Record<string, unknown>,
  query = SUBSCRIBE,
  variables?: Record<string, unknown>,
): Promise<Subscriber & { client: Client; closed: Promise<{ code: number; reason: string }> }> {
  const c = collector<any>();
  let resolveClosed!: (v: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
  const client = createClient({
    url: baseUrl.replace(/^http/, "ws") + "/api/graphql",
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: false,
    // The close is reported through `closed`; graphql-ws would print it otherwise.
    onNonLazyError: () => undefined,
    on: { closed: (e) => resolveClosed({ code: (e as { code: number }).code, reason: (e as { reason: string }).reason }) },
  });
  const record = firstResultRecorder(serverOf(baseUrl), query);
  const dispose = client.subscribe({ query, ...(variables && { variables }) }, { next: (v) => (record(v as any), c.push(v)), error: (e) => c.push({ error: e }), complete: () => c.push({ complete: true }) });
  return {
    client,
    closed,
    events: c.events,
    waitFor: c.waitFor,
    async stop() {
      dispose();
      await client.dispose();
    },
  };
}

/** One parsed SSE event: its fields as sent. */
export interface SseEvent { id?: string; event?: string; data: any }

/** Opens MongooseIM's SSE endpoint; resolves when the response headers arrive. */
export async function subscribeSse(
  baseUrl: string,
  authorization: string | undefined,
  query = SUBSCRIBE,
  headers: Record<string, string> = {},
): Promise<Subscriber<SseEvent> & { status: number; contentType: string | null }> {
  const c = collector<SseEvent>();
  const record = firstResultRecorder(serverOf(baseUrl), query);
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/api/graphql/sse?query=${encodeURIComponent(query)}`, {
    headers: { ...(authorization && { authorization }), accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  if (response.status === 200) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf("\n\n")) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split("\n")) {
            if (line.startsWith(":")) continue;
            const colon = line.indexOf(":");
            fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, "");
          }
          if (fields.data === undefined) continue;
          const data = JSON.parse(fields.data);
          record(data);
          c.push({ id: fields.id, event: fields.event, data });
        }
      }
    })().catch(() => undefined);
  } else {
    c.push({ data: await response.json() });
  }
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    events: c.events,
    waitFor: c.waitFor,
    async stop() {
      abort.abort();
    },
  };
}

/**
 * Waits until a new subscription is live: sends numbered probes until one arrives. A
 * subscriber's presence goes out after the transport has accepted the subscription, so
 * a message sent at once could arrive before it; probing waits on the event itself.
 */
export async function untilLive(sub: Subscriber, sendProbe: (body: string) => Promise<void>, bodyOfEvent: (event: any) => string | undefined): Promise<void> {
  for (let i = 0; i < 25; i++) {
    const body = `probe-${i}`;
    await sendProbe(body);
    try {
      await sub.waitFor((e) => bodyOfEvent(e) === body, 200);
      return;
    } catch {
      // not live yet: probe again
    }
  }
  throw new Error("the subscription never became live");
}
