import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/*
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and sums self time per function and per
 * code origin (a package under node_modules, our src/, node internals).
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One line of the self-time ranking. */
export interface SelfTime {
  name: string;
  where: string;
  selfMs: number;
  pct: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled time, idle included. */
  totalMs: number;
  /** Sampled time the thread was not idle; the percentages are of this. */
  busyMs: number;
  /** Whether only the measured windows were counted (false: the whole process life). */
  windowed: boolean;
  topFunctions: SelfTime[];
  byOrigin: SelfTime[];
}

/**
 * Summarises the busiest `.cpuprofile` in `dir` (node writes one per thread: under tsx,
 * the module loader's worker has its own); null when there is none.
 */
export function summariseProfileDir(dir: string, windows: readonly Window[] = [], top = 20): ProfileSummary | null {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  } catch {
    return null;
  }
  const summaries = files.map((f) => summariseProfile(join(dir, f), windows, top));
  return summaries.sort((a, b) => b.busyMs - a.busyMs)[0] ?? null;
}

/** A time span in µs of CLOCK_MONOTONIC (`process.hrtime`), the clock V8 stamps samples with on Linux. */
export type Window = readonly [startUs: number, endUs: number];

/** Microseconds of CLOCK_MONOTONIC now, comparable with profile timestamps of another process. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time per function and per origin; only samples inside `windows` count when any
 * sample falls in them (so the ranking covers just the measured phase, not start-up).
 */
export function summariseProfile(file: string, windows: readonly Window[] = [], top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const inWindow = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  const windowed = windows.length > 0;
  let inside = 0;
  let t = profile.startTime;
  // timeDeltas[i] is the time before sample i; attributing it to sample i is V8's own convention.
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (windowed && !inWindow(t)) continue;
    inside++;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  if (windowed && inside === 0) return { ...summariseProfile(file, [], top), windowed: false };
  const fn = new Map<string, { name: string; where: string; us: number }>();
  const origin = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    total += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : "";
    const name = functionName || (url ? "(anonymous)" : "(native)");
    const key = `${name}@${where}`;
    const entry = fn.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const o = originOf(url, name);
    origin.set(o, (origin.get(o) ?? 0) + us);
  }
  const idle = origin.get("(idle)") ?? 0;
  const busy = total - idle;
  const toRow = (name: string, where: string, us: number): SelfTime => ({ name, where, selfMs: us / 1000, pct: (100 * us) / busy });
  return {
    file,
    totalMs: total / 1000,
    busyMs: busy / 1000,
    topFunctions: [...fn.values()].filter((e) => e.name !== "(idle)").sort((a, b) => b.us - a.us).slice(0, top).map((e) => toRow(e.name, e.where, e.us)),
    byOrigin: [...origin.entries()].filter(([o]) => o !== "(idle)").sort((a, b) => b[1] - a[1]).slice(0, 15).map(([o, us]) => toRow(o, "", us)),
    windowed,
  };
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) return url.slice(nm + "node_modules/".length);
  const own = ownPath(url);
  if (own !== undefined) return `src/${own}`;
  return url.replace(/^file:\/\//, "");
}

function originOf(url: string, name: string): string {
  if (!url) return name.startsWith("(") ? name : "(native/V8)";
  if (url.startsWith("node:")) return "node internals";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const own = ownPath(url);
  if (own !== undefined) return `src/${own.split("/")[0]}`;
  return url;
}

/** The path under src/ of our own code, also when it runs from its build in dist/. */
function ownPath(url: string): string | undefined {
  const match = /\/(?:src|dist)\/(.*)$/.exec(url);
  return match?.[1];
}
