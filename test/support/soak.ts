import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { xml } from "@xmpp/xml";
import { XmppSession } from "../../src/xmpp/session.js";
import { basicAuth, startGateway } from "./gateway.js";

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
}

const SUBSCRIBE = "subscription { stanza { subscribeForMessages { stanza } } }";
/** The body of the messages that check a subscription is live; not counted as soak traffic. */
const PROBE = "soak-probe";
/** How long a round of probes waits for answers before probing the silent subscribers again. */
const PROBE_ROUND_MS = 1_000;
/** At most this many messages from one sender (see runSoak). */
const MESSAGES_PER_SENDER = 5_000;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

/**
 * Many graphql-ws subscribers receive chat messages that a few raw XMPP senders send at a
 * steady rate, while other users query over HTTP; every message carries a sequence
 * number and a send time, so losses, duplicates and latency are counted exactly. Talks
 * only to its own sandbox Prosody and gateway on 127.0.0.1.
 */
export async function runSoak(options: { subscribers: number; seconds: number; ratePerSecond: number; onProgress?: (line: string) => void }): Promise<SoakReport> {
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
    const live = new Set<string>(); // subscribers that received a probe
    let onLive: (() => void) | undefined;

    for (const user of subscribers) {
      seen.set(user.jid, new Set());
      const client = createClient({ url: gw.url.replace("http", "ws") + "/api/graphql", webSocketImpl: WebSocket, connectionParams: { Authorization: basicAuth(user) }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
      clients.push(client);
      client.subscribe({ query: SUBSCRIBE }, {
        next: (result: any) => {
          const stanza: string = result.data?.stanza?.subscribeForMessages?.stanza ?? "";
          if (stanza.includes(`<body>${PROBE}</body>`)) {
            live.add(user.jid);
            onLive?.();
            return;
          }
          const match = /<body>soak (\d+) (\d+)<\/body>/.exec(stanza);
          if (!match) {
            if (result.errors) subscriptionErrors++;
            return;
          }
          const seq = Number(match[1]);
          const set = seen.get(user.jid)!;
          if (set.has(seq)) duplicates++;
          set.add(seq);
          received++;
          latencies.push(Date.now() - Number(match[2]));
        },
        error: () => subscriptionErrors++,
        complete: () => undefined,
      });
    }
    for (const user of senderUsers) {
      senders.push(await XmppSession.open({ service: gw.sandbox.service, domain: gw.sandbox.domain, username: user.username, password: user.password, iqTimeoutMs: 10_000, connectTimeoutMs: 10_000 }));
    }
    // A subscription is live once a message sent after it subscribed reaches it: probe every
    // subscriber that has not answered yet, round after round, until all have (a message to
    // a subscription not yet live is not delivered to it, so the count starts clean).
    const deadline = Date.now() + 120_000;
    while (live.size < subscribers.length) {
      if (Date.now() > deadline) throw new Error(`only ${live.size} of ${subscribers.length} subscriptions became live within 120 s`);
      const waiting = subscribers.filter((u) => !live.has(u.jid));
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
    const sampler = setInterval(() => {
      rss.push(Math.round(process.memoryUsage().rss / 1048576));
      options.onProgress?.(`sent ${seq} received ${received} rss ${rss.at(-1)} MB`);
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
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await Promise.all(senders.map((s) => s.close()));
    await gw.stop();
  }
}
