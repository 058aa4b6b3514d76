import { addCpu, perOp, profiled, type BenchContext, type CpuPerOp } from "../context.js";
import { cpuWindow, type CpuSample } from "../proc.js";
import { openRaw, rosterGet } from "../raw-client.js";
import { summarise, type Summary } from "../stats.js";

/** A client's first request for a user the gateway has no session for, vs raw login + IQ. */
export interface ColdResult {
  gateway: Summary;
  raw: Summary;
  gatewayCpu: CpuPerOp;
  rawCpu: CpuPerOp;
}

/**
 * Gateway: a new HTTP connection carrying `roster.listContacts` for a user not in the
 * pool (TCP connect, XMPP login with SCRAM, roster get, JSON). Raw: TCP connect, stream,
 * SCRAM login, resource binding and a roster get. The two sides alternate which goes
 * first, one user each, sequentially.
 */
export async function runCold(ctx: BenchContext): Promise<ColdResult> {
  const gw: number[] = [];
  const raw: number[] = [];
  let gwCpu: CpuSample | undefined;
  let rawCpu: CpuSample | undefined;
  const target = ctx.target;
  for (const [i, user] of ctx.coldUsers.entries()) {
    const viaGateway = async () => {
      const end = cpuWindow({ gateway: ctx.gateway.pid, prosody: ctx.prosodyPid });
      const t0 = performance.now();
      const contacts = await profiled(ctx, "cold", () => ctx.http.listContacts(ctx.authOf.get(user)!, true));
      gw.push(performance.now() - t0);
      gwCpu = addCpu(gwCpu, end());
      if (contacts.length !== ctx.options.contacts) throw new Error(`cold: expected ${ctx.options.contacts} contacts, got ${contacts.length}`);
    };
    const viaRaw = async () => {
      const end = cpuWindow({ gateway: ctx.gateway.pid, prosody: ctx.prosodyPid });
      const t0 = performance.now();
      const session = await openRaw(target, user);
      await rosterGet(session);
      raw.push(performance.now() - t0);
      rawCpu = addCpu(rawCpu, end());
      await session.close();
    };
    if (i % 2 === 0) {
      await viaGateway();
      await viaRaw();
    } else {
      await viaRaw();
      await viaGateway();
    }
  }
  return { gateway: summarise(gw), raw: summarise(raw), gatewayCpu: perOp(gwCpu!, gw.length), rawCpu: perOp(rawCpu!, raw.length) };
}
