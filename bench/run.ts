import { cpus, loadavg } from "node:os";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startProsody, type SandboxUser } from "../scripts/sandbox/prosody.js";
import { parseArgs, type Phase } from "./args.js";
import { RawSessions, type BenchContext } from "./context.js";
import { basicAuth, GatewayHttp } from "./gateway-client.js";
import { startGatewayProcess } from "./gateway-process.js";
import { runCold } from "./phases/cold.js";
import { runDelivery } from "./phases/delivery.js";
import { runLatency } from "./phases/latency.js";
import { RAW_SESSION_CAP, runScaling } from "./phases/scaling.js";
import { runThroughput } from "./phases/throughput.js";
import { summariseProfileDir, type ProfileSummary } from "./profile.js";
import { buildRows, render, writeJson, type Results } from "./report.js";
import { fillRosters } from "./setup.js";

/*
 * `npm run bench`: the gateway against raw XMPP, side by side, on one machine.
 * Prosody (sandbox) → users with rosters → gateway as a child process → phases:
 *   latency → cold → delivery → scaling → throughput
 * Scaling reads the gateway's RSS, so it runs before throughput (whose 200 parallel
 * connections and buffers would inflate the heap). Cold users are kept apart from the
 * pool users, so the pool has never seen them.
 */

const options = parseArgs(process.argv.slice(2));
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const t0 = performance.now();
const log = (message: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

// Runs are bounded: a hung phase must not keep Prosody and the gateway around.
const budgetMs = (options.quick ? 3 : 20) * 60_000 + (options.sessions > 1000 ? options.sessions * 60 : 0);
setTimeout(() => {
  log(`the run exceeded its ${budgetMs / 60_000} min budget; aborting`);
  process.exit(3);
}, budgetMs).unref();
// Exit (not die by the signal) so that the sandbox's and the gateway's exit hooks run.
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

const has = (p: Phase) => options.phases.has(p);
log(`phases: ${[...options.phases].join(", ")}${options.quick ? " (quick)" : ""}`);

const sandbox = await startProsody({ logLevel: "error" });
const prosodyPid = Number(readFileSync(`${sandbox.dir}/prosody.pid`, "utf8").trim());
const raw = new RawSessions({ service: sandbox.service, domain: sandbox.domain });
let gateway: Awaited<ReturnType<typeof startGatewayProcess>> | undefined;
let http: GatewayHttp | undefined;
const profDir = `${resultsDir}${stamp}-prof`;
const profiles: Record<string, ProfileSummary> = {};
const results: Results = {};
const profileWindows = new Map<string, Array<readonly [number, number]>>();
const setup: Record<string, number> = {};
try {
  // At least contacts + 1 users, so that every roster holds other real accounts only.
  const poolUsers = Math.max(has("scaling") ? options.sessions : 1, has("throughput") ? options.throughputUsers : 1, options.contacts + 1);
  const coldCount = has("cold") ? options.coldSamples : 0;
  let t = performance.now();
  const created = await sandbox.createUsers(poolUsers + coldCount + 5, "bench");
  setup.registerMs = performance.now() - t;
  log(`registered ${created.length} users in ${(setup.registerMs / 1000).toFixed(1)} s`);
  const users = created.slice(0, poolUsers);
  const coldUsers = created.slice(poolUsers, poolUsers + coldCount);
  const [peer, rawUser, mirror, ws, sse] = created.slice(poolUsers + coldCount) as [SandboxUser, SandboxUser, SandboxUser, SandboxUser, SandboxUser];

  t = performance.now();
  const how = await fillRosters(sandbox, [...users, ...coldUsers], options.contacts, raw, Math.min(poolUsers, RAW_SESSION_CAP));
  setup.rostersMs = performance.now() - t;
  log(`gave ${users.length + coldUsers.length} users ${options.contacts} contacts each (${how}) and opened ${raw.size} raw sessions in ${(setup.rostersMs / 1000).toFixed(1)} s`);

  gateway = await startGatewayProcess({
    service: sandbox.service,
    domain: sandbox.domain,
    maxSessions: created.length + 100,
    logFile: `${resultsDir}${stamp}-gateway.log`,
    tokenStorePath: `${sandbox.dir}/token-revocations.json`,
    cpuProfDir: options.profile ? profDir : undefined,
    inspect: has("scaling"),
    entry: options.entry,
    nodeArgs: options.nodeArgs,
  });
  log(`gateway (${[...options.nodeArgs, options.entry].join(" ")}) pid ${gateway.pid} at ${gateway.url}${options.profile ? ` (profiling into ${profDir})` : ""}`);
  http = new GatewayHttp(gateway.url);
  const ctx: BenchContext = {
    options,
    target: { service: sandbox.service, domain: sandbox.domain },
    users,
    authOf: new Map(created.map((u) => [u, basicAuth(u)])),
    coldUsers,
    deliveryUsers: { peer, raw: rawUser, mirror, ws, sse },
    gateway,
    http,
    prosodyPid,
    raw,
    profileWindows,
    log,
  };

  if (has("latency")) {
    log("latency: warm listContacts vs raw roster IQ");
    results.latency = await runLatency(ctx);
  }
  if (has("cold")) {
    log(`cold: ${coldUsers.length} first requests vs raw login + IQ`);
    results.cold = await runCold(ctx);
  }
  if (has("delivery")) {
    log("delivery: peer → raw / graphql-ws / SSE");
    results.delivery = await runDelivery(ctx);
  }
  if (has("scaling")) {
    log(`scaling: ${options.scaleSteps.join(" → ")} users`);
    results.scaling = await runScaling(ctx);
  }
  if (has("throughput")) {
    log(`throughput: ${options.throughputUsers} users × ${options.throughputSeconds} s per side`);
    results.throughput = await runThroughput(ctx);
  }
} finally {
  http?.close();
  if (gateway) {
    log("stopping the gateway");
    await gateway.stop();
  }
  await raw.closeAll();
  await sandbox.stop();
}
if (options.profile) {
  for (const [phase, windows] of profileWindows) {
    const summary = summariseProfileDir(profDir, windows);
    if (summary) profiles[phase] = summary;
  }
}

const rows = buildRows(results);
process.stdout.write("\n" + render(results, rows, profiles) + "\n");
const file = `${resultsDir}${stamp}.json`;
writeJson(file, {
  startedAt: stamp,
  options: { ...options, phases: [...options.phases] },
  environment: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavgAtEnd: loadavg() },
  setup,
  results,
  rows,
  profiles,
});
log(`wrote ${file}`);
process.exit(0);
