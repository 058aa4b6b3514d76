import type { SandboxKind, SandboxUser } from "../scripts/sandbox/xmpp-sandbox.js";
import type { XmppSession } from "../src/xmpp/session.js";
import type { BenchOptions } from "./args.js";
import type { GatewayHttp } from "./gateway-client.js";
import type { EjabberdHttpApi } from "./http-api-client.js";
import type { GatewayProcess } from "./gateway-process.js";
import type { CpuSample } from "./proc.js";
import { monotonicUs } from "./profile.js";
import { openRaw, type XmppTarget } from "./raw-client.js";

/** Everything the phases share. */
export interface BenchContext {
  options: BenchOptions;
  target: XmppTarget;
  /** Users that end up pooled (the first `throughputUsers` also drive the throughput phase). */
  users: SandboxUser[];
  authOf: Map<SandboxUser, string>;
  /** Users the gateway has never seen: one per cold sample. */
  coldUsers: SandboxUser[];
  /** A sender and one recipient per delivery path. */
  deliveryUsers: { peer: SandboxUser; raw: SandboxUser; mirror: SandboxUser; ws: SandboxUser; sse: SandboxUser };
  gateway: GatewayProcess;
  http: GatewayHttp;
  /** The XMPP server under test, and how it stores passwords (ejabberd only). */
  server: { kind: SandboxKind; passwordFormat?: PasswordFormat };
  /** The XMPP server's process (Prosody, or ejabberd's Erlang VM), for its CPU time. */
  serverPid: number;
  /** ejabberd's own REST API (mod_http_api), the third column on ejabberd; absent on Prosody. */
  httpApi?: EjabberdHttpApi;
  /** Raw sessions kept open across phases (at most one per user). */
  raw: RawSessions;
  /** Per phase, spans (CLOCK_MONOTONIC µs) of gateway work for the CPU profile summaries. */
  profileWindows: Map<string, Array<readonly [number, number]>>;
  /** Starts one more gateway process on the same server, with settings of its own (stopped by the caller). */
  spawnGateway(name: string, env: Record<string, string>): Promise<GatewayProcess>;
  /** Registers `count` more users on the server, named after `prefix`. */
  createUsers(count: number, prefix: string): Promise<SandboxUser[]>;
  log(message: string): void;
}

/** How ejabberd stores passwords (`auth_password_format`). */
export type PasswordFormat = "scram" | "plain";

/** The processes whose CPU time a measured window reads. */
export function pidsOf(ctx: BenchContext): { gateway: number; server: number } {
  return { gateway: ctx.gateway.pid, server: ctx.serverPid };
}

/** Raw sessions opened once and reused, like the gateway's pool reuses its own. */
export class RawSessions {
  private readonly sessions = new Map<string, XmppSession>();

  constructor(private readonly target: XmppTarget) {}

  get size(): number {
    return this.sessions.size;
  }

  has(user: SandboxUser): boolean {
    return this.sessions.has(user.jid);
  }

  /** Keeps an already open session for reuse. */
  adopt(user: SandboxUser, session: XmppSession): void {
    this.sessions.set(user.jid, session);
  }

  /** The user's raw session, opened on first use. */
  async of(user: SandboxUser): Promise<XmppSession> {
    let session = this.sessions.get(user.jid);
    if (!session || !session.isOpen) {
      session = await openRaw(this.target, user, "bench-raw");
      this.sessions.set(user.jid, session);
    }
    return session;
  }

  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map((s) => s.close()));
  }
}

/** Runs `fn` and records its span under `phase` for the profile summaries. */
export async function profiled<T>(ctx: BenchContext, phase: string, fn: () => Promise<T>): Promise<T> {
  const from = monotonicUs();
  try {
    return await fn();
  } finally {
    const list = ctx.profileWindows.get(phase) ?? [];
    list.push([from, monotonicUs()]);
    ctx.profileWindows.set(phase, list);
  }
}

/** Sums CPU windows. */
export function addCpu(a: CpuSample | undefined, b: CpuSample): CpuSample {
  if (!a) return { ...b };
  return {
    wallMs: a.wallMs + b.wallMs,
    gatewayMs: a.gatewayMs + b.gatewayMs,
    serverMs: a.serverMs + b.serverMs,
    benchMs: a.benchMs + b.benchMs,
    foreignMs: a.foreignMs + b.foreignMs,
  };
}

/** CPU figures of a window per operation (ms/op) and as share of one core (%). */
export interface CpuPerOp {
  ops: number;
  gatewayMsPerOp: number;
  /** The XMPP server's CPU per operation. */
  serverMsPerOp: number;
  benchMsPerOp: number;
  gatewayCorePct: number;
  serverCorePct: number;
  benchCorePct: number;
  /** Other processes' CPU during the window, in % of one core: noise from the rest of the machine. */
  foreignCorePct: number;
}

export function perOp(cpu: CpuSample, ops: number): CpuPerOp {
  const pct = (ms: number) => (100 * ms) / cpu.wallMs;
  return {
    ops,
    gatewayMsPerOp: cpu.gatewayMs / ops,
    serverMsPerOp: cpu.serverMs / ops,
    benchMsPerOp: cpu.benchMs / ops,
    gatewayCorePct: pct(cpu.gatewayMs),
    serverCorePct: pct(cpu.serverMs),
    benchCorePct: pct(cpu.benchMs),
    foreignCorePct: pct(cpu.foreignMs),
  };
}
