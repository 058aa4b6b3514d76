import { addCpu, pidsOf, perOp, profiled, type BenchContext, type CpuPerOp } from "../context.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";
import type { XmppSession } from "../../src/xmpp/session.js";
import { GatewayHttp } from "../gateway-client.js";
import { startHttpFloor } from "../http-floor.js";
import { cpuMs, cpuWindow, type CpuSample } from "../proc.js";
import { rosterGet } from "../raw-client.js";
import { summarise, type Summary } from "../stats.js";

/** Warm sequential `roster.listContacts` vs raw roster IQ, one client, one user. */
export interface LatencyResult {
  gateway: Summary;
  raw: Summary;
  /** A bare node:http server in its own process answering the same JSON: the hop's floor. */
  httpFloor: Summary;
  httpFloorCpuMsPerOp: number;
  gatewayCpu: CpuPerOp;
  rawCpu: CpuPerOp;
  /** ejabberd's mod_http_api get_roster, same user, same kind of connection (ejabberd only). */
  httpApi?: Summary;
  httpApiCpu?: CpuPerOp;
}

const ROUNDS = 4;

/**
 * One user, one client, strictly sequential. The sides alternate in blocks (gateway, raw,
 * HTTP floor, mod_http_api on ejabberd, gateway, …) so that a burst of load elsewhere on
 * the machine hits all of them rather than one.
 */
export async function runLatency(ctx: BenchContext): Promise<LatencyResult> {
  const user = ctx.users[0]!;
  const auth = ctx.authOf.get(user)!;
  const session = await ctx.raw.of(user);
  const contacts = await ctx.http.listContacts(auth);
  if (contacts.length !== ctx.options.contacts) throw new Error(`expected ${ctx.options.contacts} contacts, got ${contacts.length}`);
  if (ctx.httpApi) {
    const items = await ctx.httpApi.getRoster(user, auth);
    if (items.length !== ctx.options.contacts) throw new Error(`mod_http_api: expected ${ctx.options.contacts} contacts, got ${items.length}`);
  }
  const floor = await startHttpFloor(JSON.stringify({ data: { roster: { listContacts: contacts } } }));
  const floorHttp = new GatewayHttp(floor.url);
  try {
    return await measure(ctx, user, auth, session, floor.pid, floorHttp);
  } finally {
    floorHttp.close();
    await floor.stop();
  }
}

async function measure(
  ctx: BenchContext,
  user: SandboxUser,
  auth: string,
  session: XmppSession,
  floorPid: number,
  floorHttp: GatewayHttp,
): Promise<LatencyResult> {
  const api = ctx.httpApi;
  const warm = ctx.options.quick ? 150 : 500;
  for (let i = 0; i < warm; i++) {
    await ctx.http.listContacts(auth);
    await rosterGet(session);
    await floorHttp.post(auth, "");
    await api?.getRoster(user, auth);
  }

  const gw: number[] = [];
  const raw: number[] = [];
  const floor: number[] = [];
  let floorCpuMs = 0;
  let gwCpu: CpuSample | undefined;
  let rawCpu: CpuSample | undefined;
  const httpApi: number[] = [];
  let httpApiCpu: CpuSample | undefined;
  const perBlock = Math.ceil(ctx.options.latencySamples / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    let end = cpuWindow(pidsOf(ctx));
    await profiled(ctx, "latency", async () => {
      for (let i = 0; i < perBlock; i++) {
        const t0 = performance.now();
        await ctx.http.listContacts(auth);
        gw.push(performance.now() - t0);
      }
    });
    gwCpu = addCpu(gwCpu, end());
    end = cpuWindow(pidsOf(ctx));
    for (let i = 0; i < perBlock; i++) {
      const t0 = performance.now();
      await rosterGet(session);
      raw.push(performance.now() - t0);
    }
    rawCpu = addCpu(rawCpu, end());
    const floorCpu0 = cpuMs(floorPid);
    for (let i = 0; i < perBlock; i++) {
      const t0 = performance.now();
      await floorHttp.post(auth, "");
      floor.push(performance.now() - t0);
    }
    floorCpuMs += cpuMs(floorPid) - floorCpu0;
    if (api) {
      end = cpuWindow(pidsOf(ctx));
      for (let i = 0; i < perBlock; i++) {
        const t0 = performance.now();
        await api.getRoster(user, auth);
        httpApi.push(performance.now() - t0);
      }
      httpApiCpu = addCpu(httpApiCpu, end());
    }
  }
  return {
    httpFloor: summarise(floor),
    httpFloorCpuMsPerOp: floorCpuMs / floor.length,
    gateway: summarise(gw),
    raw: summarise(raw),
    gatewayCpu: perOp(gwCpu!, gw.length),
    rawCpu: perOp(rawCpu!, raw.length),
    ...(api ? { httpApi: summarise(httpApi), httpApiCpu: perOp(httpApiCpu!, httpApi.length) } : {}),
  };
}
