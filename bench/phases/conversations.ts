import { xml } from "@xmpp/xml";
import type { BenchContext } from "../context.js";
import { GatewayHttp } from "../gateway-client.js";
import { chat, openRaw } from "../raw-client.js";
import { summarise, type Summary } from "../stats.js";
import { mapLimit } from "../../src/util/map-limit.js";
import { buildServerPing } from "../../src/xmpp/ping.js";
import { queryArchive } from "../../src/xmpp/mam.js";

/** The conversation list of one user with many conversations, warm and after a restart. */
export interface ConversationsResult {
  conversations: number;
  messages: number;
  seedSeconds: number;
  /** The very first list: no index yet, the whole archive is folded (includes login). */
  firstBuildMs: number;
  /** `list(first: 50)` on a gateway that holds the index (sequential, keep-alive). */
  warm: Summary;
  /** The first `list(first: 50)` on a new gateway process: login + index from storage + fold of what is new. */
  afterRestart: Summary;
  /** Warm lists on a gateway with CONVERSATIONS_FRESHNESS_MS=1000 (answers from memory within a second of a refresh). */
  warmFresh1s: Summary;
  /** Raw XMPP: one MAM query of the user's archive after its newest id (what each warm list asks at least). */
  rawArchiveQuery: Summary;
}

const LIST = "{ conversations { list(first: 50) { items { id unreadCount lastMessage { id body } } hasMore endCursor } } }";
const COUNT = (after: string | null) =>
  `{ conversations { list(first: 100, after: ${after === null ? "null" : JSON.stringify(after)}) { items { unreadCount } hasMore endCursor } } }`;

/**
 * One user with `conversations` peers who sent `messages` messages in all (round-robin,
 * so every conversation has the same number); the peers send in parallel from raw
 * sessions while the user is online (a raw session), so every message is archived at once.
 * Then: the first list (the index is built from the whole archive), `warmSamples`
 * sequential lists, `restarts` first lists on a new gateway process each, and as many
 * sequential lists again on a gateway allowed to answer from a refresh up to 1 s old.
 */
export async function runConversations(ctx: BenchContext): Promise<ConversationsResult> {
  const { conversationPeers: peersWanted, conversationMessages: total, conversationWarmSamples, conversationRestarts } = ctx.options;
  const [owner, ...peers] = await ctx.createUsers(peersWanted + 1, "conv");
  const auth = ctx.authOf.get(owner!) ?? `Basic ${Buffer.from(`${owner!.jid}:${owner!.password}`).toString("base64")}`;

  const t0 = performance.now();
  const ownerSession = await openRaw(ctx.target, owner!);
  await ownerSession.send(xml("presence"));
  await ownerSession.iq(buildServerPing(ctx.target.domain));
  const perPeer = Math.ceil(total / peers.length);
  let sent = 0;
  await mapLimit(peers, 5, async (peer) => {
    const session = await openRaw(ctx.target, peer);
    try {
      for (let i = 0; i < perPeer && sent < total; i++, sent++) {
        await session.send(chat(owner!.jid, `m-${peer.username}-${i}`));
        // The server handles a session's stanzas in order: once a ping is answered, all
        // before it were routed (and archived). Every 10 messages, so that a slow archive
        // (ejabberd's Mnesia) never holds more than a few hundred in flight.
        if (i % 10 === 9) await session.iq(buildServerPing(ctx.target.domain));
      }
      await session.iq(buildServerPing(ctx.target.domain));
    } finally {
      await session.close();
    }
  });
  // ejabberd archives incoming messages in the receiver's session process: its answer to
  // the owner's ping comes once all of them are archived, which may take longer than one
  // IQ timeout; the pings queue behind them in order.
  for (let attempt = 1; ; attempt++) {
    try {
      await ownerSession.iq(buildServerPing(ctx.target.domain));
      break;
    } catch (error) {
      if (attempt >= 10) throw error;
    }
  }
  await ownerSession.close();
  const seedSeconds = (performance.now() - t0) / 1000;
  ctx.log(`  seeded ${sent} messages from ${peers.length} peers in ${seedSeconds.toFixed(1)} s`);

  let t = performance.now();
  await ctx.http.post(auth, LIST);
  const firstBuildMs = performance.now() - t;
  ctx.log(`  first list (index built from the archive): ${firstBuildMs.toFixed(0)} ms`);
  await checkIndex(ctx.http, auth, peers.length, sent);

  const warm: number[] = [];
  for (let i = 0; i < conversationWarmSamples; i++) {
    t = performance.now();
    await ctx.http.post(auth, LIST);
    warm.push(performance.now() - t);
  }

  // What a warm list cannot avoid: one query of the user's archive after the stored cursor.
  const rawQueries: number[] = [];
  const probe = await openRaw(ctx.target, owner!);
  try {
    const newest = (await queryArchive(probe, { max: 1, from: "newest" })).records[0]?.archiveId ?? null;
    for (let i = 0; i < Math.min(conversationWarmSamples, 50); i++) {
      t = performance.now();
      await queryArchive(probe, { max: 50, afterId: newest, from: "oldest" });
      rawQueries.push(performance.now() - t);
    }
  } finally {
    await probe.close();
  }

  const restarts: number[] = [];
  for (let i = 0; i < conversationRestarts; i++) {
    const gateway = await ctx.spawnGateway(`conversations-${i}`, {});
    const http = new GatewayHttp(gateway.url);
    try {
      t = performance.now();
      await http.post(auth, LIST);
      restarts.push(performance.now() - t);
      if (i === 0) await checkIndex(http, auth, peers.length, sent);
    } finally {
      http.close();
      await gateway.stop();
    }
  }
  const fresh: number[] = [];
  const freshGateway = await ctx.spawnGateway("conversations-fresh", { CONVERSATIONS_FRESHNESS_MS: "1000" });
  const freshHttp = new GatewayHttp(freshGateway.url);
  try {
    await freshHttp.post(auth, LIST);
    for (let i = 0; i < conversationWarmSamples; i++) {
      t = performance.now();
      await freshHttp.post(auth, LIST);
      fresh.push(performance.now() - t);
    }
  } finally {
    freshHttp.close();
    await freshGateway.stop();
  }
  return {
    conversations: peers.length, messages: sent, seedSeconds, firstBuildMs,
    warm: summarise(warm), afterRestart: summarise(restarts), warmFresh1s: summarise(fresh), rawArchiveQuery: summarise(rawQueries),
  };
}

/** Throws unless the list holds `conversations` conversations whose unread counts add up to `messages`. */
async function checkIndex(http: GatewayHttp, auth: string, conversations: number, messages: number): Promise<void> {
  let after: string | null = null;
  let count = 0;
  let unread = 0;
  for (;;) {
    const data = await http.post(auth, COUNT(after));
    const page = data.conversations.list;
    count += page.items.length;
    unread += page.items.reduce((sum: number, item: { unreadCount: number }) => sum + item.unreadCount, 0);
    if (!page.hasMore) break;
    after = page.endCursor;
  }
  if (count !== conversations || unread !== messages) {
    throw new Error(`conversations: expected ${conversations} conversations and ${messages} unread, got ${count} and ${unread}`);
  }
}
