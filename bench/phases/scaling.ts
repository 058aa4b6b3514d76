import { addCpu, pidsOf, perOp, type BenchContext, type CpuPerOp } from "../context.js";
import { cpuWindow, rssKb, type CpuSample } from "../proc.js";
import { collectGarbage } from "../inspector.js";
import { rosterGet } from "../raw-client.js";
import { mapLimit, sleep, summarise, type Summary } from "../stats.js";

/** One step of the growth table. */
export interface ScaleStep {
  users: number;
  /** Sessions in the gateway's pool (from /healthz) when RSS was read. */
  pooledSessions: number;
  /** RSS as found (garbage of the logins included). */
  gatewayRssKb: number;
  /** RSS and V8 heap right after a forced full GC (null without the inspector). */
  rssAfterGcKb: number | null;
  heapUsedAfterGcKb: number | null;
  /** Growth per pooled session since the first step: RSS as found, RSS after GC, heap after GC. */
  kbPerSessionSinceFirst: Growth | null;
  /** The same since the previous step. */
  kbPerSessionSincePrevious: Growth | null;
  /** Sequential warm listContacts, each request for the next of the `users` users. */
  gateway: Summary;
  raw: Summary;
  gatewayCpu: CpuPerOp;
  /** Raw sessions the rotation used (capped to keep Prosody's descriptors in bounds). */
  rawSessions: number;
}

/** KB per session. */
export interface Growth {
  rss: number;
  rssAfterGc: number | null;
  heapAfterGc: number | null;
}

export interface ScalingResult {
  steps: ScaleStep[];
  /** Growth ÷ sessions between the last two steps (`fromSessions` → `toSessions` pooled). */
  kbPerSession: Growth;
  fromSessions: number;
  toSessions: number;
}

/** Raw sessions beyond this are not opened: gateway + raw must fit Prosody's descriptors. */
export const RAW_SESSION_CAP = 2000;
const LOGIN_CONCURRENCY = 8;

/**
 * Grows the pool step by step (10 → 100 → 1 000 users by default): logs the new users in
 * through the gateway (one listContacts each), lets the process settle, reads its RSS
 * (as found, then after a forced full GC through the inspector), then measures sequential latency rotating over all users of the step, gateway and raw
 * blocks alternating.
 */
export async function runScaling(ctx: BenchContext): Promise<ScalingResult> {
  const settleMs = ctx.options.quick ? 1_000 : 2_000;
  const steps: ScaleStep[] = [];
  let warmed = 0;
  // The first forced GCs also release start-up garbage (module compilation, the earlier
  // phases); do them before the first reading so that it is not the only one without.
  if (ctx.gateway.inspectPort) {
    await collectGarbage(ctx.gateway.inspectPort);
    await sleep(settleMs);
  }
  for (const n of ctx.options.scaleSteps) {
    const users = ctx.users.slice(0, n);
    ctx.log(`  scaling: ${n} users`);
    await mapLimit(users.slice(warmed), LOGIN_CONCURRENCY, (u) => ctx.http.listContacts(ctx.authOf.get(u)!));
    warmed = Math.max(warmed, n);
    const rawUsers = users.slice(0, RAW_SESSION_CAP);
    await mapLimit(rawUsers, LOGIN_CONCURRENCY, (u) => ctx.raw.of(u));
    await sleep(settleMs);
    const rss = rssKb(ctx.gateway.pid);
    const afterGc = ctx.gateway.inspectPort ? await collectGarbage(ctx.gateway.inspectPort) : undefined;
    const pooled = await ctx.gateway.sessions();

    const gw: number[] = [];
    const raw: number[] = [];
    const half = Math.ceil(ctx.options.scaleSamples / 2);
    let k = 0;
    let cpu: CpuSample | undefined;
    for (let round = 0; round < 2; round++) {
      const end = cpuWindow(pidsOf(ctx));
      for (let i = 0; i < half; i++) {
        const user = users[(k + i) % users.length]!;
        const t0 = performance.now();
        await ctx.http.listContacts(ctx.authOf.get(user)!);
        gw.push(performance.now() - t0);
      }
      cpu = addCpu(cpu, end());
      for (let i = 0; i < half; i++) {
        const session = await ctx.raw.of(rawUsers[(k + i) % rawUsers.length]!);
        const t0 = performance.now();
        await rosterGet(session);
        raw.push(performance.now() - t0);
      }
      k += half;
    }
    const first = steps[0];
    const previous = steps[steps.length - 1];
    const rssAfterGcKb = afterGc?.rssKb ?? null;
    const heapUsedAfterGcKb = afterGc?.heapUsedKb ?? null;
    const growth = (from: ScaleStep | undefined): Growth | null => {
      if (!from || pooled <= from.pooledSessions) return null;
      const per = (now: number | null, then: number | null) => (now === null || then === null ? null : (now - then) / (pooled - from.pooledSessions));
      return { rss: per(rss, from.gatewayRssKb)!, rssAfterGc: per(rssAfterGcKb, from.rssAfterGcKb), heapAfterGc: per(heapUsedAfterGcKb, from.heapUsedAfterGcKb) };
    };
    steps.push({
      users: n,
      pooledSessions: pooled,
      gatewayRssKb: rss,
      rssAfterGcKb,
      heapUsedAfterGcKb,
      kbPerSessionSinceFirst: growth(first),
      kbPerSessionSincePrevious: growth(previous),
      gateway: summarise(gw),
      raw: summarise(raw),
      gatewayCpu: perOp(cpu!, gw.length),
      rawSessions: rawUsers.length,
    });
  }
  // Judged between the last two steps: the widest span, and far enough from start-up that
  // V8 is no longer handing start-up memory back (which makes early steps' RSS shrink).
  const none = { rss: Number.NaN, rssAfterGc: null, heapAfterGc: null };
  const last = steps[steps.length - 1]!;
  const before = steps[steps.length - 2];
  return { steps, kbPerSession: last.kbPerSessionSincePrevious ?? none, fromSessions: before?.pooledSessions ?? 0, toSessions: last.pooledSessions };
}
