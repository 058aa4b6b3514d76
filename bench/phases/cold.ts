import { addCpu, pidsOf, perOp, profiled, type BenchContext, type CpuPerOp } from "../context.js";
import { cpuWindow, type CpuSample } from "../proc.js";
import { openRaw, rosterGet } from "../raw-client.js";
import { summarise, type Summary } from "../stats.js";

/** A client's first request for a user the gateway has no session for, vs raw login + IQ. */
export interface ColdResult {
  gateway: Summary;
  raw: Summary;
  gatewayCpu: CpuPerOp;
  rawCpu: CpuPerOp;
  /** ejabberd only: a new connection carrying one mod_http_api get_roster. */
  httpApi?: Summary;
  httpApiCpu?: CpuPerOp;
}

/**
 * Gateway: a new HTTP connection carrying `roster.listContacts` for a user not in the
 * pool (TCP connect, XMPP login with SCRAM, roster get, JSON). Raw: TCP connect, stream,
 * SCRAM login, resource binding and a roster get. On ejabberd, a third side opens a new
 * HTTP connection to mod_http_api and calls get_roster: it has no session to open, but it
 * checks the Basic password on every request. The sides take turns going first, one user
 * each, sequentially.
 */
export async function runCold(ctx: BenchContext): Promise<ColdResult> {
  const gw: number[] = [];
  const raw: number[] = [];
  let gwCpu: CpuSample | undefined;
  let rawCpu: CpuSample | undefined;
  const api: number[] = [];
  let apiCpu: CpuSample | undefined;
  const target = ctx.target;
  for (const [i, user] of ctx.coldUsers.entries()) {
    const viaGateway = async () => {
      const end = cpuWindow(pidsOf(ctx));
      const t0 = performance.now();
      const contacts = await profiled(ctx, "cold", () => ctx.http.listContacts(ctx.authOf.get(user)!, true));
      gw.push(performance.now() - t0);
      gwCpu = addCpu(gwCpu, end());
      if (contacts.length !== ctx.options.contacts) throw new Error(`cold: expected ${ctx.options.contacts} contacts, got ${contacts.length}`);
    };
    const viaRaw = async () => {
      const end = cpuWindow(pidsOf(ctx));
      const t0 = performance.now();
      const session = await openRaw(target, user);
      await rosterGet(session);
      raw.push(performance.now() - t0);
      rawCpu = addCpu(rawCpu, end());
      await session.close();
    };
    const httpApi = ctx.httpApi;
    const viaHttpApi = async () => {
      if (!httpApi) return;
      const end = cpuWindow(pidsOf(ctx));
      const t0 = performance.now();
      const items = await httpApi.getRoster(user, ctx.authOf.get(user)!, true);
      api.push(performance.now() - t0);
      apiCpu = addCpu(apiCpu, end());
      if (items.length !== ctx.options.contacts) throw new Error(`cold: mod_http_api: expected ${ctx.options.contacts} contacts, got ${items.length}`);
    };
    const sides = httpApi ? [viaGateway, viaRaw, viaHttpApi] : [viaGateway, viaRaw];
    for (let k = 0; k < sides.length; k++) await sides[(i + k) % sides.length]!();
  }
  return {
    gateway: summarise(gw),
    raw: summarise(raw),
    gatewayCpu: perOp(gwCpu!, gw.length),
    rawCpu: perOp(rawCpu!, raw.length),
    ...(api.length ? { httpApi: summarise(api), httpApiCpu: perOp(apiCpu!, api.length) } : {}),
  };
}
