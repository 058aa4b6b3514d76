import type { BenchContext } from "../context.js";
import { GatewayHttp } from "../gateway-client.js";
import { mapLimit } from "../stats.js";
import { closedLoop, measured, side, type LoopResult, type ThroughputSide } from "./throughput.js";

/** The same load on two gateways that differ only in their telemetry settings. */
export interface TelemetryResult {
  users: number;
  secondsPerSide: number;
  /** METRICS=true, LOG_LEVEL=info: a Prometheus registry and one JSON access line per request. */
  on: ThroughputSide;
  /** METRICS=false, LOG_LEVEL=silent. */
  off: ThroughputSide;
}

const ON = { METRICS: "true", LOG_LEVEL: "info" };
const OFF = { METRICS: "false", LOG_LEVEL: "silent" };

/**
 * What metrics and access logs cost: two more gateway processes on the same server, one
 * with both on and one with both off, under the throughput phase's closed loops
 * (`throughputUsers` users, listContacts), alternating off, on, off, on after a warm-up
 * of each, so that drift of the machine falls on both sides alike. The figure is the
 * gateway's CPU per request of each.
 */
export async function runTelemetry(ctx: BenchContext): Promise<TelemetryResult> {
  const users = ctx.users.slice(0, ctx.options.throughputUsers);
  const auths = users.map((u) => ctx.authOf.get(u)!);
  const [on, off] = await Promise.all([ctx.spawnGateway("telemetry-on", ON), ctx.spawnGateway("telemetry-off", OFF)]);
  const clients = { on: new GatewayHttp(on.url), off: new GatewayHttp(off.url) };
  try {
    const op = (client: GatewayHttp) => (i: number) => client.listContacts(auths[i]!);
    await mapLimit(auths, 8, (a) => clients.on.listContacts(a));
    await mapLimit(auths, 8, (a) => clients.off.listContacts(a));
    const halfMs = (ctx.options.throughputSeconds * 1000) / 2;
    const warmMs = ctx.options.warmupSeconds * 1000;
    await closedLoop(users.length, warmMs, op(clients.off));
    await closedLoop(users.length, warmMs, op(clients.on));
    const rounds: Record<"on" | "off", LoopResult[]> = { on: [], off: [] };
    for (let round = 0; round < 2; round++) {
      for (const which of ["off", "on"] as const) {
        ctx.log(`  telemetry round ${round + 1}/2: ${which}`);
        const pid = which === "on" ? on.pid : off.pid;
        rounds[which].push(await measured({ gateway: pid, server: ctx.serverPid }, () => closedLoop(users.length, halfMs, op(clients[which]))));
      }
    }
    const result = { users: users.length, secondsPerSide: ctx.options.throughputSeconds, on: side(rounds.on), off: side(rounds.off) };
    ctx.log(`  gateway CPU per request: on ${result.on.cpu.gatewayMsPerOp.toFixed(3)} ms, off ${result.off.cpu.gatewayMsPerOp.toFixed(3)} ms (${((result.on.cpu.gatewayMsPerOp / result.off.cpu.gatewayMsPerOp - 1) * 100).toFixed(1)} %)`);
    return result;
  } finally {
    clients.on.close();
    clients.off.close();
    await Promise.all([on.stop(), off.stop()]);
  }
}
