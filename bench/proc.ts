import { readFileSync } from "node:fs";

/*
 * CPU and memory of other processes, read from /proc (Linux). The gateway runs as its own
 * process so that its CPU time and RSS are not mixed with the benchmark client's.
 */

const CLK_TCK = 100; // USER_HZ; 100 on every Linux the project targets (`getconf CLK_TCK`)
const TICK_MS = 1000 / CLK_TCK;

/** utime + stime of a process (all its threads), in ms; resolution 10 ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Field 2 (comm) may contain spaces; the fields we want follow its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime (fields 14, 15)
}

/** Resident set size of a process, in KB (VmRSS). */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

/** Busy CPU time of the whole machine (all cores), in ms. */
export function machineBusyMs(): number {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
  const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_MS;
}

/** CPU use of the processes a phase involves, and of everything else on the machine. */
export interface CpuSample {
  wallMs: number;
  gatewayMs: number;
  /** The XMPP server (Prosody or ejabberd's Erlang VM). */
  serverMs: number;
  benchMs: number;
  /** Busy time of all other processes: other developers' tests, etc. (noise). */
  foreignMs: number;
}

/** Starts a CPU measurement window; call the returned function to close it. */
export function cpuWindow(pids: { gateway?: number; server: number }): () => CpuSample {
  const read = () => ({
    t: performance.now(),
    gw: pids.gateway ? cpuMs(pids.gateway) : 0,
    server: cpuMs(pids.server),
    bench: (() => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    })(),
    machine: machineBusyMs(),
  });
  const start = read();
  return () => {
    const end = read();
    const gatewayMs = end.gw - start.gw;
    const serverMs = end.server - start.server;
    const benchMs = end.bench - start.bench;
    return {
      wallMs: end.t - start.t,
      gatewayMs,
      serverMs,
      benchMs,
      foreignMs: Math.max(0, end.machine - start.machine - gatewayMs - serverMs - benchMs),
    };
  };
}
