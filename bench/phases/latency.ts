import { addCpu, perOp, profiled, type BenchContext, type CpuPerOp } from "../context.js";
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
}

const ROUNDS = 4;

/**
 * One user, one client, strictly sequential. The sides alternate in blocks (gateway, raw,
 * HTTP floor, gateway, …) so that a burst of load elsewhere on the machine hits all of them
 * rather than one.
 */
export async function runLatency(ctx: BenchContext): Promise<LatencyResult> {
  const user = ctx.users[0]!;
  const auth = ctx.authOf.get(user)!;
  const session = await ctx.raw.of(user);
  const contacts = await ctx.http.listContacts(auth);
  if (contacts.length !== ctx.options.contacts) throw new Error(`expected ${ctx.options.contacts} contacts, got ${contacts.length}`);
  const floor = await startHttpFloor(JSON.stringify({ data: { roster: { listContacts: contacts } } }));
  const floorHttp = new GatewayHttp(floor.url);
  try {
    return await measure(ctx, auth, session, floor.pid, floorHttp);
  } finally {
    floorHttp.close();
    await floor.stop();
  }
}

async function measure(ctx: BenchContext, auth: string, session: XmppSession, floorPid: number, floorHttp: GatewayHttp): Promise<LatencyResult> {
  const warm = ctx.options.quick ? 150 : 500;
  for (let i = 0; i < warm; i++) {
    await ctx.http.listContacts(auth);
    await rosterGet(session);
    await floorHttp.post(auth, "");
  }

  const gw: number[] = [];
  const raw: number[] = [];
  const floor: number[] = [];
  let floorCpuMs = 0;
  let gwCpu: CpuSample | undefined;
  let rawCpu: CpuSample | undefined;
  const perBlock = Math.ceil(ctx.options.latencySamples / ROUNDS);
  for (let round = 0; round < ROUNDS; round++) {
    let end = cpuWindow({ gateway: ctx.gateway.pid, prosody: ctx.prosodyPid });
    await profiled(ctx, "latency", async () => {
      for (let i = 0; i < perBlock; i++) {
        const t0 = performance.now();
        await ctx.http.listContacts(auth);
        gw.push(performance.now() - t0);
      }
    });
    gwCpu = addCpu(gwCpu, end());
    end = cpuWindow({ gateway: ctx.gateway.pid, prosody: ctx.prosodyPid });
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
  }
  return {
    httpFloor: summarise(floor),
    httpFloorCpuMsPerOp: floorCpuMs / floor.length,
    gateway: summarise(gw),
    raw: summarise(raw),
    gatewayCpu: perOp(gwCpu!, gw.length), rawCpu: perOp(rawCpu!, raw.length) };
}
