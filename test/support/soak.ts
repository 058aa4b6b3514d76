import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { xml } from "@xmpp/xml";
import { XmppSession } from "../../src/xmpp/session.js";
import { mapLimit } from "../../src/util/map-limit.js";
import { basicAuth, startGateway } from "./gateway.js";

/** Which subscription the soak runs on: MongooseIM's message subscription, or the chat-app event stream. */
export type SoakStream = "stanza" | "events";

/** What a soak run measured. */
export interface SoakReport {
  subscribers: number;
  seconds: number;
  sent: number;
  received: number;
  duplicates: number;
  missing: number;
  subscriptionErrors: number;
  queries: number;
  queryErrors: number;
  latencyMs: { p50: number; p99: number; max: number };
  rssMb: number[];
  /** `events` only: presence changes of the senders seen by the subscribers during the run. */
  presenceEvents?: number;
  /** `events` only: subscribers that saw no presence change during the run. */
  subscribersWithoutPresence?: number;
}

const SUBSCRIPTIONS: Record<SoakStream, string> = {
  stanza: "subscription { stanza { subscribeForMessages { stanza } } }",
  events: "subscription { events { stream(types: [MESSAGE, PRESENCE]) { __typename ... on MessageEvent { message { body } } ... on PresenceEvent { presence { jid show } } } } }",
};

/** What one subscription result carries: a message body, or the presence of a contact. */
function readResult(stream: SoakStream, result: any): { body?: string; presenceOf?: string } {
  if (stream === "stanza") {
    const stanza: string = result.data?.stanza?.subscribeForMessages?.stanza ?? "";
    return { body: /<body>([^<]*)<\/body>/.exec(stanza)?.[1] };
  }
  const event = result.data?.events?.stream;
  if (event?.__typename === "MessageEvent") return { body: event.message.body };
  if (event?.__typename === "PresenceEvent") return { presenceOf: event.presence.jid };
  return {};
}
/** The body of the messages that check a subscription is live; not counted as soak traffic. */
const PROBE = "soak-probe";
/** How long a round of probes waits for answers before probing the silent subscribers again. */
const PROBE_ROUND_MS = 1_000;
/**
 * A silent subscriber is probed again only after this long: every probe to a stream not yet
 * live waits in offline storage and is delivered when it starts, so probing each one every
 * round piled up a backlog that delayed the first 30 s of a 300-stream events soak.
 */
const PROBE_AGAIN_MS = 5_000;
/**
 * How long the subscriptions may take to become live: 60 s, or 120 ms per subscriber when
 * that is longer (an events.stream starts with more requests: roster, block list, archive,
 * room list; 1 000 of them took over 60 s on a loaded 2-core machine).
 */
const liveWithinMs = (subscribers: number) => Math.max(120_000, subscribers * 120);
/** At most this many messages from one sender (see runSoak). */
const MESSAGES_PER_SENDER = 5_000;
/** `events`: how often each sender changes its presence (away, back) during the run. */
const PRESENCE_EVERY_MS = 3_000;
/** `events`: how many subscription requests go out at once while setting up. */
const SETUP_CONCURRENCY = 16;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * Many graphql-ws subscribers receive chat messages that a few raw XMPP senders send at a
 * steady rate, while other users query over HTTP; every message carries a sequence
 * number and a send time, so losses, duplicates and latency are counted exactly. Talks
 * only to its own sandbox Prosody and gateway on 127.0.0.1.
 *
 * With `stream: "events"` the subscribers hold `events.stream` (messages and presence)
 * instead: each is subscribed to the presence of one sender, and the senders change
 * their presence every few seconds while they send, so every stream also carries
 * presence changes; the report then counts them too.
 */
export async function runSoak(options: {
  subscribers: number; seconds: number; ratePerSecond: number; stream?: SoakStream; onProgress?: (line: string) => void;
}): Promise<SoakReport> {
  const mode = options.stream ?? "stanza";
  const gw = await startGateway({ POOL_MAX_SESSIONS: String(options.subscribers + 100), SUBSCRIPTION_BUFFER: "100000" });
  const clients: Client[] = [];
  const senders: XmppSession[] = [];
  try {
    // Each sender's own archive keeps every message it sends. Prosody's internal archive
    // store holds 10 000 items per user (storage_archive_item_limit) and beyond that
    // rewrites the whole list on every message, which saturates Prosody (seen: a 1 000 x
    // 10 min soak with two senders fell behind after 20 000 messages, Prosody at 100 %).
    // Senders therefore stay below 5 000 messages each, as real users would.
    const senderCount = Math.max(2, Math.ceil((options.seconds * options.ratePerSecond) / MESSAGES_PER_SENDER));
    const users = await gw.sandbox.createUsers(options.subscribers + senderCount + 2, "soak");
    const subscribers = users.slice(0, options.subscribers);
    const senderUsers = users.slice(options.subscribers, options.subscribers + senderCount);
    const queryUsers = users.slice(options.subscribers + senderCount);
    const seen = new Map<string, Set<number>>(); // subscriber jid → seqs
    const latencies: number[] = [];
    let received = 0;
    let duplicates = 0;
    let subscriptionErrors = 0;
    const failures: string[] = []; // the first words of each subscription error, to tell why one never went live
    const live = new Set<string>(); // subscribers that received a probe
    let onLive: (() => void) | undefined;
    // Presence seen per subscriber; counted only once the run started (`counting`).
    const presenceSeen = new Map<string, number>();
    let counting = false;
    let presenceEvents = 0;

    for (const user of senderUsers) {
      const sender = await XmppSession.open({ service: gw.sandbox.service, domain: gw.sandbox.domain, username: user.username, password: user.password, iqTimeoutMs: 10_000, connectTimeoutMs: 10_000 });
      senders.push(sender);
      if (mode === "events") {
        // Available, and approving every subscription request: the subscribers see its presence.
        sender.onStanza((stanza) => {
          if (stanza.name === "presence" && stanza.attrs.type === "subscribe") void sender.send(xml("presence", { to: stanza.attrs.from, type: "subscribed" })).catch(() => undefined);
        });
        await sender.send(xml("presence"));
      }
    }
    if (mode === "events") {
      const pairs = subscribers.map((user, i) => ({ user, contact: senderUsers[i % senderUsers.length]!.jid }));
      await mapLimit(pairs, SETUP_CONCURRENCY, async ({ user, contact }) => {
        const r = await gw.gql(`mutation { roster { subscription(contact: ${JSON.stringify(contact)}, action: INVITE) } }`, undefined, user);
        if (r.status !== 200 || r.body.errors) throw new Error(`subscription request failed: ${JSON.stringify(r.body)}`);
      });
    }

    for (const user of subscribers) {
      seen.set(user.jid, new Set());
      const client = createClient({ url: gw.url.replace("http", "ws") + "/api/graphql", webSocketImpl: WebSocket, connectionParams: { Authorization: basicAuth(user) }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
      clients.push(client);
      client.subscribe({ query: SUBSCRIPTIONS[mode] }, {
        next: (result: any) => {
          const { body, presenceOf } = readResult(mode, result);
          if (presenceOf !== undefined) {
            if (!counting) return;
            presenceEvents++;
            presenceSeen.set(user.jid, (presenceSeen.get(user.jid) ?? 0) + 1);
            return;
          }
          if (body === PROBE) {
            live.add(user.jid);
            onLive?.();
            return;
          }
          const match = /^soak (\d+) (\d+)$/.exec(body ?? "");
          if (!match) {
            if (result.errors) {
              subscriptionErrors++;
              failures.push(`${user.jid}: ${JSON.stringify(result.errors).slice(0, 200)}`);
            }
            return;
          }
          const seq = Number(match[1]);
          const set = seen.get(user.jid)!;
          if (set.has(seq)) duplicates++;
          set.add(seq);
          received++;
          latencies.push(Date.now() - Number(match[2]));
        },
        error: (error: unknown) => {
          subscriptionErrors++;
          failures.push(`${user.jid}: ${JSON.stringify(error instanceof Error ? error.message : error).slice(0, 200)}`);
        },
        complete: () => undefined,
      });
    }
    // A subscription is live once a message sent after it subscribed reaches it: probe every
    // subscriber that has not answered yet, round after round, until all have (a message to
    // a subscription not yet live is not delivered to it, so the count starts clean).
    const liveWithin = liveWithinMs(subscribers.length);
    const deadline = Date.now() + liveWithin;
    const probedAt = new Map<string, number>();
    while (live.size < subscribers.length) {
      if (Date.now() > deadline) throw new Error(`only ${live.size} of ${subscribers.length} subscriptions became live within ${liveWithin / 1000} s; subscription errors: ${failures.slice(0, 10).join("; ") || "none"}`);
      options.onProgress?.(`live ${live.size} of ${subscribers.length}`);
      const now = Date.now();
      const waiting = subscribers.filter((u) => !live.has(u.jid) && now - (probedAt.get(u.jid) ?? 0) >= PROBE_AGAIN_MS);
      for (const u of waiting) probedAt.set(u.jid, now);
      await Promise.all(waiting.map((u, i) => senders[i % senders.length]!.send(xml("message", { to: u.jid, type: "chat" }, xml("body", {}, PROBE)))));
      await new Promise<void>((resolve) => {
        const nextRound = setTimeout(resolve, PROBE_ROUND_MS);
        onLive = () => {
          if (live.size < subscribers.length) return;
          clearTimeout(nextRound);
          resolve();
        };
      });
    }
    onLive = undefined;

    const rss: number[] = [];
    const sentTo = new Map<number, string>();
    let seq = 0;
    let queries = 0;
    let queryErrors = 0;
    const end = Date.now() + options.seconds * 1000;
    counting = true;
    let away = false;
    const toggler = mode === "events" ? setInterval(() => {
      away = !away;
      for (const sender of senders) void sender.send(xml("presence", {}, away ? xml("show", {}, "away") : null)).catch(() => undefined);
    }, PRESENCE_EVERY_MS) : undefined;
    const sampler = setInterval(() => {
      rss.push(Math.round(process.memoryUsage().rss / 1048576));
      options.onProgress?.(`sent ${seq} received ${received}${mode === "events" ? ` presence ${presenceEvents}` : ""} rss ${rss.at(-1)} MB`);
    }, 5000);
    const querying = (async () => {
      while (Date.now() < end) {
        const user = queryUsers[queries % queryUsers.length]!;
        const r = await gw.gql("{ roster { listContacts { jid } } }", undefined, user).catch(() => undefined);
        queries++;
        if (!r || r.status !== 200 || r.body.errors) queryErrors++;
      }
    })();
    const interval = 1000 / options.ratePerSecond;
    let next = Date.now();
    while (Date.now() < end) {
      const to = subscribers[seq % subscribers.length]!.jid;
      const sender = senders[seq % senders.length]!;
      sentTo.set(seq, to);
      await sender.send(xml("message", { to, type: "chat", id: `soak-${seq}` }, xml("body", {}, `soak ${seq} ${Date.now()}`)));
      seq++;
      next += interval;
      const wait = next - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    clearInterval(toggler);
    await querying;
    // Let the last messages arrive.
    const drainUntil = Date.now() + 10_000;
    while (received + duplicates < seq && Date.now() < drainUntil) await new Promise((r) => setTimeout(r, 100));
    clearInterval(sampler);
    rss.push(Math.round(process.memoryUsage().rss / 1048576));

    let missing = 0;
    for (const [n, to] of sentTo) if (!seen.get(to)!.has(n)) missing++;
    latencies.sort((a, b) => a - b);
    return {
      subscribers: options.subscribers,
      seconds: options.seconds,
      sent: seq,
      received: received - duplicates,
      duplicates,
      missing,
      subscriptionErrors,
      queries,
      queryErrors,
      latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies.at(-1) ?? 0 },
      rssMb: rss,
      ...(mode === "events" && { presenceEvents, subscribersWithoutPresence: subscribers.filter((u) => !presenceSeen.get(u.jid)).length }),
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(senders.map((s) => s.close()));
    await gw.stop();
  }
}
