import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { CpuPerOp } from "./context.js";
import type { ColdResult } from "./phases/cold.js";
import type { DeliveryResult } from "./phases/delivery.js";
import type { LatencyResult } from "./phases/latency.js";
import type { Growth, ScalingResult } from "./phases/scaling.js";
import type { ThroughputResult } from "./phases/throughput.js";
import type { TelemetryResult } from "./phases/telemetry.js";
import type { ReproofResult } from "./phases/reproof.js";
import type { ConversationsResult } from "./phases/conversations.js";
import type { ProfileSummary } from "./profile.js";

/** What the phases measured (a phase that did not run is absent). */
export interface Results {
  latency?: LatencyResult;
  cold?: ColdResult;
  delivery?: DeliveryResult;
  scaling?: ScalingResult;
  throughput?: ThroughputResult;
  telemetry?: TelemetryResult;
  reproof?: ReproofResult;
  conversations?: ConversationsResult;
}

/** One line of the main table. */
export interface Row {
  figure: string;
  gateway: string;
  raw: string;
  ratio: string;
  /** ejabberd's mod_http_api, where the figure has such a column (ejabberd runs only). */
  httpApi?: string;
  /** gateway ÷ mod_http_api. */
  httpApiRatio?: string;
  target: string;
  verdict: "PASS" | "FAIL" | "info";
}

/** What the run measured against: names for the headers and notes. */
export interface ServerLabel {
  /** `prosody` or `ejabberd`, the CPU table's column. */
  name: string;
  /** A title line above the table, e.g. `ejabberd, passwords stored as SCRAM`. */
  title: string;
}

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) + " ms" : "—");
const x = (v: number) => (Number.isFinite(v) ? v.toFixed(2) + "×" : "—");
const verdict = (ok: boolean): Row["verdict"] => (ok ? "PASS" : "FAIL");

/** The figures of the issue, each with its target and verdict. */
export function buildRows(r: Results, server: ServerLabel): Row[] {
  const rows: Row[] = [];
  if (r.latency) {
    const { gateway: g, raw, httpApi: a } = r.latency;
    rows.push({
      figure: "warm listContacts p50 (1 client, sequential, keep-alive)",
      gateway: ms(g.p50),
      raw: ms(raw.p50),
      ratio: x(g.p50 / raw.p50),
      ...(a ? { httpApi: ms(a.p50), httpApiRatio: x(g.p50 / a.p50) } : {}),
      target: "≤ 1.3×",
      verdict: verdict(g.p50 <= 1.3 * raw.p50),
    });
    rows.push({
      figure: "warm listContacts p99",
      gateway: ms(g.p99),
      raw: ms(raw.p99),
      ratio: x(g.p99 / raw.p99),
      ...(a ? { httpApi: ms(a.p99), httpApiRatio: x(g.p99 / a.p99) } : {}),
      target: "≤ 2×",
      verdict: verdict(g.p99 <= 2 * raw.p99),
    });
    const f = r.latency.httpFloor;
    rows.push({
      figure: "  floor: raw IQ + bare node:http hop (same JSON), p50 / p99",
      gateway: `${ms(raw.p50 + f.p50)} / ${ms(raw.p99 + f.p99)}`,
      raw: `hop ${ms(f.p50)} / ${ms(f.p99)}`,
      ratio: `${x((raw.p50 + f.p50) / raw.p50)} / ${x((raw.p99 + f.p99) / raw.p99)}`,
      target: "",
      verdict: "info",
    });
  }
  if (r.throughput) {
    const { gateway: g, raw, httpApi: a, users, secondsPerSide } = r.throughput;
    rows.push({
      figure: `throughput, ${users} users in parallel, ${secondsPerSide} s each side (ops/s)`,
      gateway: g.opsPerSecond.toFixed(0),
      raw: raw.opsPerSecond.toFixed(0),
      ratio: x(g.opsPerSecond / raw.opsPerSecond),
      ...(a ? { httpApi: a.opsPerSecond.toFixed(0), httpApiRatio: x(g.opsPerSecond / a.opsPerSecond) } : {}),
      target: "≥ 0.9×",
      verdict: verdict(g.opsPerSecond >= 0.9 * raw.opsPerSecond),
    });
    rows.push({
      figure: "  latency under that load, p50 / p99",
      gateway: `${ms(g.latency.p50)} / ${ms(g.latency.p99)}`,
      raw: `${ms(raw.latency.p50)} / ${ms(raw.latency.p99)}`,
      ratio: x(g.latency.p50 / raw.latency.p50),
      ...(a ? { httpApi: `${ms(a.latency.p50)} / ${ms(a.latency.p99)}`, httpApiRatio: x(g.latency.p50 / a.latency.p50) } : {}),
      target: "",
      verdict: "info",
    });
  }
  if (r.cold) {
    const { gateway: g, raw, httpApi: a } = r.cold;
    rows.push({
      figure: "cold: login + first query, p50 (new connection)",
      gateway: ms(g.p50),
      raw: ms(raw.p50),
      ratio: x(g.p50 / raw.p50),
      ...(a ? { httpApi: ms(a.p50), httpApiRatio: x(g.p50 / a.p50) } : {}),
      target: "≤ 1.1×",
      verdict: verdict(g.p50 <= 1.1 * raw.p50),
    });
  }
  if (r.delivery) {
    const d = r.delivery;
    for (const [name, s] of [["graphql-ws", d.ws], ["SSE", d.sse]] as const) {
      rows.push({ figure: `message peer → ${name} subscriber, p50`, gateway: ms(s.p50), raw: ms(d.raw.p50), ratio: x(s.p50 / d.raw.p50), target: "≤ 1.2× raw + 1 ms", verdict: verdict(s.p50 <= 1.2 * d.raw.p50 + 1) });
    }
    rows.push({ figure: "  raw session set up like a subscriber (same presence, carbons), p50", gateway: "", raw: ms(d.rawMirror.p50), ratio: x(d.rawMirror.p50 / d.raw.p50), target: "", verdict: "info" });
  }
  if (r.scaling) {
    const s = r.scaling;
    const last = s.steps[s.steps.length - 1]!;
    const first = s.steps[0]!;
    const k = s.kbPerSession;
    const judged = k.rssAfterGc ?? k.rss;
    rows.push({
      figure: `memory per pooled idle session, ${s.fromSessions} → ${s.toSessions} sessions (RSS growth ÷ sessions${k.rssAfterGc === null ? "" : ", after full GC"})`,
      gateway: `${judged.toFixed(1)} KB`,
      raw: "",
      ratio: "",
      target: "≤ 50 KB",
      verdict: verdict(judged <= 50),
    });
    if (k.rssAfterGc !== null) {
      rows.push({ figure: "  same, RSS as found (no forced GC) / V8 heap after GC", gateway: `${k.rss.toFixed(1)} KB / ${k.heapAfterGc?.toFixed(1)} KB`, raw: "", ratio: "", target: "", verdict: "info" });
    }
    rows.push({
      figure: `p50 growth ${first.users} → ${last.users} users (flat)`,
      gateway: `${ms(first.gateway.p50)} → ${ms(last.gateway.p50)}`,
      raw: `${ms(first.raw.p50)} → ${ms(last.raw.p50)}`,
      ratio: x(last.gateway.p50 / first.gateway.p50),
      target: "≤ 1.5× (flat)",
      verdict: verdict(last.gateway.p50 <= 1.5 * first.gateway.p50),
    });
  }
  const cpuRow = (figure: string, c: CpuPerOp | undefined, rawCpu?: CpuPerOp) => {
    if (c) rows.push({ figure, gateway: ms(c.gatewayMsPerOp), raw: rawCpu ? `(bench ${ms(rawCpu.benchMsPerOp)})` : "", ratio: "", target: "", verdict: "info" });
  };
  cpuRow("gateway CPU per op: warm sequential listContacts", r.latency?.gatewayCpu, r.latency?.rawCpu);
  if (r.latency) rows.push({ figure: "  bare node:http hop CPU per op (floor)", gateway: ms(r.latency.httpFloorCpuMsPerOp), raw: "", ratio: "", target: "", verdict: "info" });
  cpuRow("gateway CPU per op: listContacts under load", r.throughput?.gateway.cpu, r.throughput?.raw.cpu);
  cpuRow("gateway CPU per op: cold login + query", r.cold?.gatewayCpu, r.cold?.rawCpu);
  if (r.telemetry) {
    const { on, off } = r.telemetry;
    const cost = on.cpu.gatewayMsPerOp / off.cpu.gatewayMsPerOp - 1;
    rows.push({
      figure: "gateway CPU per op under load: metrics + access logs on (gateway) vs off (raw column)",
      gateway: `${on.cpu.gatewayMsPerOp.toFixed(3)} ms`, raw: `${off.cpu.gatewayMsPerOp.toFixed(3)} ms`, ratio: x(on.cpu.gatewayMsPerOp / off.cpu.gatewayMsPerOp),
      target: "< 3 % more", verdict: verdict(cost < 0.03),
    });
  }
  if (r.reproof) {
    const { reproving, warm, load, boundSeconds } = r.reproof;
    rows.push({
      figure: `request that re-proves the password (gateway) vs warm (raw column), p50, bound ${boundSeconds} s`,
      gateway: ms(reproving.p50), raw: ms(warm.p50), ratio: x(reproving.p50 / warm.p50), target: "", verdict: "info",
    });
    rows.push({
      figure: `re-proofs per user per bound under load (${load.reproofs} in ${load.requests} requests, ${load.logins} logins)`,
      gateway: load.reproofsPerUserPerBound.toFixed(2), raw: "", ratio: "", target: "≤ 1, no login",
      verdict: verdict(load.reproofsPerUserPerBound <= 1 && load.logins === 0),
    });
  }
  cpuRow("gateway CPU per message to a subscriber", r.delivery?.gatewayCpu);
  if (r.conversations) {
    const c = r.conversations;
    const what = `${c.conversations} conversations over ${c.messages} messages`;
    const mam = c.rawArchiveQuery;
    rows.push({ figure: `conversations.list(first: 50), warm p50 (${what}); raw: one MAM query after the newest id`, gateway: ms(c.warm.p50), raw: ms(mam.p50), ratio: x(c.warm.p50 / mam.p50), target: "≤ 20 ms", verdict: verdict(c.warm.p50 <= 20) });
    rows.push({ figure: "  warm p99", gateway: ms(c.warm.p99), raw: ms(mam.p99), ratio: x(c.warm.p99 / mam.p99), target: "", verdict: "info" });
    rows.push({ figure: "  warm p50 / p99 with CONVERSATIONS_FRESHNESS_MS=1000", gateway: `${ms(c.warmFresh1s.p50)} / ${ms(c.warmFresh1s.p99)}`, raw: "", ratio: "", target: "", verdict: "info" });
    rows.push({ figure: `conversations.list after a gateway restart (login + stored index), p50 / max of ${c.afterRestart.n}`, gateway: `${ms(c.afterRestart.p50)} / ${ms(c.afterRestart.max)}`, raw: "", ratio: "", target: "≤ 500 ms", verdict: verdict(c.afterRestart.max <= 500) });
    rows.push({ figure: "  very first list: index built from the whole archive (login included)", gateway: ms(c.firstBuildMs), raw: "", ratio: "", target: "", verdict: "info" });
  }
  const serverRow = (figure: string, gw: CpuPerOp | undefined, raw: CpuPerOp | undefined, api: CpuPerOp | undefined) => {
    if (!gw || !raw) return;
    rows.push({
      figure,
      gateway: ms(gw.serverMsPerOp),
      raw: ms(raw.serverMsPerOp),
      ratio: x(gw.serverMsPerOp / raw.serverMsPerOp),
      ...(api ? { httpApi: ms(api.serverMsPerOp), httpApiRatio: x(gw.serverMsPerOp / api.serverMsPerOp) } : {}),
      target: "",
      verdict: "info",
    });
  };
  serverRow(`${server.name} CPU per op: warm sequential roster read`, r.latency?.gatewayCpu, r.latency?.rawCpu, r.latency?.httpApiCpu);
  serverRow(`${server.name} CPU per op: roster read under load`, r.throughput?.gateway.cpu, r.throughput?.raw.cpu, r.throughput?.httpApi?.cpu);
  serverRow(`${server.name} CPU per op: cold (login or password check + roster)`, r.cold?.gatewayCpu, r.cold?.rawCpu, r.cold?.httpApiCpu);
  return rows;
}

/** Fixed-width text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
  return [line(headers), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...rows.map(line)].join("\n");
}

/** The whole printed report. */
export function render(results: Results, rows: Row[], profiles: Record<string, ProfileSummary>, server: ServerLabel): string {
  const out: string[] = [server.title, ""];
  if (rows.some((r) => r.httpApi !== undefined)) {
    out.push(
      table(
        ["figure", "gateway", "raw XMPP", "gw ÷ raw", "mod_http_api", "gw ÷ http_api", "target (vs raw)", "result"],
        rows.map((r) => [r.figure, r.gateway, r.raw, r.ratio, r.httpApi ?? "", r.httpApiRatio ?? "", r.target, r.verdict]),
      ),
    );
    out.push(
      "mod_http_api = ejabberd's own REST API: POST /api/get_roster {user, host} with Basic auth as that user, over kept-alive",
      "connections (cold: a new one), same concurrency as the gateway side. In ejabberd 23.01 get_roster takes the roster's",
      "owner as arguments and cannot be limited to the caller: any account the api_permissions rule admits may read any roster.",
    );
  } else {
    out.push(table(["figure", "gateway", "raw XMPP", "gw ÷ raw", "target", "result"], rows.map((r) => [r.figure, r.gateway, r.raw, r.ratio, r.target, r.verdict])));
  }
  if (results.scaling) {
    out.push("", "Growth with pooled users (sequential listContacts rotating over the users; RSS of the gateway process):");
    out.push(
      table(
        ["users", "pooled", "RSS / after GC / heap", "KB/session since first (RSS / after GC / heap)", "since prev.", "gw p50 / p99", "raw p50 / p99", "gw CPU/op"],
        results.scaling.steps.map((s) => [
          String(s.users),
          String(s.pooledSessions),
          `${mb(s.gatewayRssKb)} / ${mb(s.rssAfterGcKb)} / ${mb(s.heapUsedAfterGcKb)} MB`,
          growth(s.kbPerSessionSinceFirst),
          growth(s.kbPerSessionSincePrevious),
          `${ms(s.gateway.p50)} / ${ms(s.gateway.p99)}`,
          `${ms(s.raw.p50)} / ${ms(s.raw.p99)}`,
          ms(s.gatewayCpu.gatewayMsPerOp),
        ]),
      ),
    );
  }
  const cpuRows: string[][] = [];
  const add = (phase: string, c: CpuPerOp | undefined) => {
    if (c) cpuRows.push([phase, String(c.ops), pct(c.gatewayCorePct), pct(c.serverCorePct), pct(c.benchCorePct), pct(c.foreignCorePct)]);
  };
  add("latency, gateway blocks", results.latency?.gatewayCpu);
  add("latency, raw blocks", results.latency?.rawCpu);
  add("latency, mod_http_api blocks", results.latency?.httpApiCpu);
  add("cold, gateway", results.cold?.gatewayCpu);
  add("cold, raw", results.cold?.rawCpu);
  add("cold, mod_http_api", results.cold?.httpApiCpu);
  add("delivery to subscribers", results.delivery?.gatewayCpu);
  add("throughput, gateway", results.throughput?.gateway.cpu);
  add("throughput, raw", results.throughput?.raw.cpu);
  add("throughput, mod_http_api", results.throughput?.httpApi?.cpu);
  if (cpuRows.length) {
    out.push("", "CPU during each phase, % of one core (2 cores = 200 %). 'others' = the rest of the machine: high values mean noisy figures.");
    out.push(table(["phase", "ops", "gateway", server.name, "bench client", "others"], cpuRows));
    const noisy = cpuRows.filter((r) => parseFloat(r[5]!) > 15);
    if (noisy.length) out.push(`NOTE: other processes used > 15 % of a core during: ${noisy.map((r) => r[0]).join(", ")}; treat those figures as noisy.`);
    const t = results.throughput;
    const clientBound = t && Math.max(t.gateway.cpu.benchCorePct, t.raw.cpu.benchCorePct, t.httpApi?.cpu.benchCorePct ?? 0) > 85;
    if (clientBound) out.push("NOTE: the bench client used > 85 % of a core during throughput: it may be a bottleneck there.");
  }
  for (const [phase, profile] of Object.entries(profiles)) {
    out.push(
      "",
      `Gateway CPU profile, ${phase} phase${profile.windowed ? " (its gateway windows only)" : " (whole process life: no sample in its windows)"}: ` +
        `${profile.busyMs.toFixed(0)} ms busy of ${profile.totalMs.toFixed(0)} ms sampled; % of busy time. ${profile.file}`,
      "Top self time by origin:",
    );
    out.push(table(["origin", "self ms", "%"], profile.byOrigin.map((p) => [p.name, p.selfMs.toFixed(0), p.pct.toFixed(1)])));
    out.push("Top self time by function:");
    out.push(table(["function", "where", "self ms", "%"], profile.topFunctions.map((p) => [p.name, p.where, p.selfMs.toFixed(0), p.pct.toFixed(1)])));
  }
  const failed = rows.filter((r) => r.verdict === "FAIL").length;
  const passed = rows.filter((r) => r.verdict === "PASS").length;
  out.push("", `targets: ${passed} passed, ${failed} failed`);
  return out.join("\n");
}

const pct = (v: number) => `${v.toFixed(0)} %`;
const mb = (kb: number | null) => (kb === null ? "—" : (kb / 1024).toFixed(1));
const kb = (v: number | null | undefined) => (v === null || v === undefined ? "—" : v.toFixed(1));
const growth = (g: Growth | null) => (g ? `${kb(g.rss)} / ${kb(g.rssAfterGc)} / ${kb(g.heapAfterGc)}` : "—");

/** Writes the run as JSON. */
export function writeJson(file: string, run: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(run, null, 2) + "\n");
}

/** One pass of a run: a fresh server (one password storage format on ejabberd) and its results. */
export interface PassReport {
  label: string;
  results: Results;
}

/**
 * The roster figures of every pass side by side: gateway, raw XMPP and mod_http_api with
 * both ratios, one block of rows per pass (e.g. SCRAM-stored then plain passwords).
 * Empty when no pass measured mod_http_api.
 */
export function renderHttpApiSummary(passes: readonly PassReport[]): string {
  const rows: string[][] = [];
  for (const { label, results: r } of passes) {
    const add = (figure: string, g: number, raw: number, api: number | undefined, fmt: (v: number) => string) => {
      if (api === undefined) return;
      rows.push([label, figure, fmt(g), fmt(raw), fmt(api), x(g / raw), x(g / api)]);
    };
    const ops = (v: number) => v.toFixed(0);
    if (r.latency) {
      add("warm p50 (1 client, sequential)", r.latency.gateway.p50, r.latency.raw.p50, r.latency.httpApi?.p50, ms);
      add("warm p99", r.latency.gateway.p99, r.latency.raw.p99, r.latency.httpApi?.p99, ms);
    }
    if (r.throughput) {
      const t = r.throughput;
      add(`throughput, ${t.users} users (ops/s)`, t.gateway.opsPerSecond, t.raw.opsPerSecond, t.httpApi?.opsPerSecond, ops);
      add("  latency under load p50", t.gateway.latency.p50, t.raw.latency.p50, t.httpApi?.latency.p50, ms);
    }
    if (r.cold) add("cold: new connection + first roster, p50", r.cold.gateway.p50, r.cold.raw.p50, r.cold.httpApi?.p50, ms);
  }
  if (rows.length === 0) return "";
  return ["Roster reads, every pass (gw ÷ X of the figure: below 1 is faster for latency, above 1 is more for ops/s):",
    table(["pass", "figure", "gateway", "raw XMPP", "mod_http_api", "gw ÷ raw", "gw ÷ http_api"], rows)].join("\n");
}
