import { addCpu, pidsOf, perOp, profiled, type BenchContext, type CpuPerOp } from "../context.js";
import { cpuWindow, type CpuSample } from "../proc.js";
import { rosterGet } from "../raw-client.js";
import { mapLimit, summarise, type Summary } from "../stats.js";

/** Closed-loop throughput: every user runs one request after another. */
export interface ThroughputSide {
  opsPerSecond: number;
  ops: number;
  errors: number;
  seconds: number;
  /** Latency under load. */
  latency: Summary;
  cpu: CpuPerOp;
}

export interface ThroughputResult {
  users: number;
  /** Measured seconds per side, as configured (the wall time also counts the last requests' tail). */
  secondsPerSide: number;
  gateway: ThroughputSide;
  raw: ThroughputSide;
  /** ejabberd only: mod_http_api get_roster, one kept-alive HTTP connection per user. */
  httpApi?: ThroughputSide;
}

const MAX_ERRORS = 100;

/**
 * `throughputUsers` users in parallel, each in a closed loop (one request in flight per
 * user): through the gateway (one kept-alive HTTP connection per user) and with one raw
 * session per user; on ejabberd also through mod_http_api (one kept-alive HTTP connection
 * per user). Each side runs twice for half the time, alternating raw, gateway(, http_api),
 * raw, gateway(, http_api), after a warm-up of each.
 */
export async function runThroughput(ctx: BenchContext): Promise<ThroughputResult> {
  const users = ctx.users.slice(0, ctx.options.throughputUsers);
  const auths = users.map((u) => ctx.authOf.get(u)!);
  await mapLimit(auths, 8, (a) => ctx.http.listContacts(a));
  const sessions = await mapLimit(users, 8, (u) => ctx.raw.of(u));

  const viaGateway = (i: number) => ctx.http.listContacts(auths[i]!);
  const viaRaw = (i: number) => rosterGet(sessions[i]!);
  const api = ctx.httpApi;
  const viaHttpApi = api ? (i: number) => api.getRoster(users[i]!, auths[i]!) : undefined;
  const pids = pidsOf(ctx);

  const halfMs = (ctx.options.throughputSeconds * 1000) / 2;
  const warmMs = ctx.options.warmupSeconds * 1000;
  await closedLoop(users.length, warmMs, viaRaw);
  await closedLoop(users.length, warmMs, viaGateway);
  if (viaHttpApi) await closedLoop(users.length, warmMs, viaHttpApi);
  const gw: LoopResult[] = [];
  const raw: LoopResult[] = [];
  const httpApi: LoopResult[] = [];
  for (let round = 0; round < 2; round++) {
    ctx.log(`  throughput round ${round + 1}/2: raw`);
    raw.push(await measured(pids, () => closedLoop(users.length, halfMs, viaRaw)));
    ctx.log(`  throughput round ${round + 1}/2: gateway`);
    gw.push(await profiled(ctx, "throughput", () => measured(pids, () => closedLoop(users.length, halfMs, viaGateway))));
    if (viaHttpApi) {
      ctx.log(`  throughput round ${round + 1}/2: mod_http_api`);
      httpApi.push(await measured(pids, () => closedLoop(users.length, halfMs, viaHttpApi)));
    }
  }
  return {
    users: users.length,
    secondsPerSide: ctx.options.throughputSeconds,
    gateway: side(gw),
    raw: side(raw),
    ...(httpApi.length ? { httpApi: side(httpApi) } : {}),
  };
}

export interface LoopResult {
  ops: number;
  errors: number;
  wallMs: number;
  latencies: number[];
  cpu: CpuSample;
  firstError?: string;
}

/** Runs a loop and reads the CPU the gateway and the server spent during it. */
export async function measured(pids: { gateway: number; server: number }, run: () => Promise<Omit<LoopResult, "cpu">>): Promise<LoopResult> {
  const end = cpuWindow(pids);
  const result = await run();
  return { ...result, cpu: end() };
}

/** `workers` closed loops of `op` for `durationMs`. @throws after too many errors. */
export async function closedLoop(workers: number, durationMs: number, op: (i: number) => Promise<unknown>): Promise<Omit<LoopResult, "cpu">> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: workers }, async (_, i) => {
      while (performance.now() < deadline && errors < MAX_ERRORS) {
        const t0 = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - t0);
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
      }
    }),
  );
  if (errors >= MAX_ERRORS) throw new Error(`throughput: too many errors, first: ${firstError}`);
  return { ops: latencies.length, errors, wallMs: performance.now() - start, latencies, firstError };
}

/** Sums the rounds of one side. */
export function side(results: LoopResult[]): ThroughputSide {
  const ops = results.reduce((a, r) => a + r.ops, 0);
  const wallMs = results.reduce((a, r) => a + r.wallMs, 0);
  let cpu: CpuSample | undefined;
  for (const r of results) cpu = addCpu(cpu, r.cpu);
  return {
    opsPerSecond: ops / (wallMs / 1000),
    ops,
    errors: results.reduce((a, r) => a + r.errors, 0),
    seconds: wallMs / 1000,
    latency: summarise(results.flatMap((r) => r.latencies)),
    cpu: perOp(cpu!, ops),
  };
}
