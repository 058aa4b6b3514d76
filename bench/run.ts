import { cpus, loadavg } from "node:os";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startSandbox, type SandboxUser, type XmppSandbox } from "../scripts/sandbox/xmpp-sandbox.js";
import { parseArgs, type Phase } from "./args.js";
import { RawSessions, type BenchContext, type PasswordFormat } from "./context.js";
import { basicAuth, GatewayHttp } from "./gateway-client.js";
import { ensureBuilt, readStartCommand, startGatewayProcess } from "./gateway-process.js";
import { EjabberdHttpApi } from "./http-api-client.js";
import { runCold } from "./phases/cold.js";
import { runDelivery } from "./phases/delivery.js";
import { runLatency } from "./phases/latency.js";
import { RAW_SESSION_CAP, runScaling } from "./phases/scaling.js";
import { runThroughput } from "./phases/throughput.js";
import { runTelemetry } from "./phases/telemetry.js";
import { REPROOF_BOUND_S, runReproof } from "./phases/reproof.js";
import { runConversations } from "./phases/conversations.js";
import { summariseProfileDir, type ProfileSummary } from "./profile.js";
import { buildRows, render, renderHttpApiSummary, writeJson, type PassReport, type Results, type ServerLabel } from "./report.js";
import { fillRosters } from "./setup.js";

/*
 * `npm run bench`: the gateway against raw XMPP, side by side, on one machine.
 * Sandbox server (Prosody, or ejabberd with --server ejabberd) → users with rosters →
 * gateway as a child process → phases:
 *   latency → cold → delivery → scaling → throughput → telemetry → reproof → conversations
 * Scaling reads the gateway's RSS, so it runs before throughput (whose 200 parallel
 * connections and buffers would inflate the heap). Cold users are kept apart from the
 * pool users, so the pool has never seen them.
 *
 * On ejabberd the roster figures get a third side, ejabberd's own mod_http_api, and the
 * whole sequence runs once per password storage format (a fresh server, users and
 * gateway each time): with SCRAM-stored passwords every Basic-auth request costs the
 * server a PBKDF2, with plain ones it does not.
 */

const options = parseArgs(process.argv.slice(2));
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const resultsDir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const t0 = performance.now();
const log = (message: string) => process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);

// Runs are bounded: a hung phase must not keep the server and the gateway around.
const passes: Array<PasswordFormat | undefined> = options.passwordFormats.length ? options.passwordFormats : [undefined];
const budgetMs = passes.length * ((options.quick ? 3 : 20) * 60_000 + (options.sessions > 1000 ? options.sessions * 60 : 0));
setTimeout(() => {
  log(`the run exceeded its ${budgetMs / 60_000} min budget; aborting`);
  process.exit(3);
}, budgetMs).unref();
// Exit (not die by the signal) so that the sandbox's and the gateway's exit hooks run.
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

// The gateway runs as `npm start` runs it, from the build, unless --entry names a file.
if (options.entry === undefined) ensureBuilt(readStartCommand().entry, log);

const has = (p: Phase) => options.phases.has(p);
log(`server: ${options.server}${options.passwordFormats.length ? ` (passwords stored as ${options.passwordFormats.join(", then ")})` : ""}${options.server === "prosody" ? ` (storage: ${options.prosodyStorage})` : ""}; phases: ${[...options.phases].join(", ")}${options.quick ? " (quick)" : ""}`);

const reports: PassReport[] = [];
let failed = 0;
for (const passwordFormat of passes) {
  const label = labelOf(passwordFormat);
  const tPass = performance.now();
  log(`pass: ${label.title}`);
  const pass = await runPass(passwordFormat, label);
  process.stdout.write("\n" + render(pass.results, pass.rows, pass.profiles, label) + "\n");
  for (const [name, message] of Object.entries(pass.failures)) process.stdout.write(`FAILED phase ${name}: ${message}\n`);
  process.stdout.write("\n");
  failed += Object.keys(pass.failures).length;
  const file = `${resultsDir}${stamp}-${options.server}${passwordFormat ? `-${passwordFormat}` : ""}.json`;
  writeJson(file, {
    startedAt: stamp,
    server: options.server,
    passwordFormat: passwordFormat ?? null,
    options: { ...options, phases: [...options.phases] },
    environment: { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavgAtEnd: loadavg() },
    passSeconds: (performance.now() - tPass) / 1000,
    gateway: pass.gatewayCommand ?? null,
    setup: pass.setup,
    results: pass.results,
    failures: pass.failures,
    rows: pass.rows,
    profiles: pass.profiles,
  });
  log(`pass took ${((performance.now() - tPass) / 1000).toFixed(0)} s; wrote ${file}`);
  reports.push({ label: passwordFormat ?? options.server, results: pass.results });
}
const summary = renderHttpApiSummary(reports);
if (summary) process.stdout.write(summary + "\n");
log(`done in ${((performance.now() - t0) / 1000).toFixed(0)} s${failed ? `; ${failed} phase(s) FAILED` : ""}`);
process.exit(failed ? 1 : 0);

function labelOf(passwordFormat: PasswordFormat | undefined): ServerLabel {
  if (options.server === "prosody") return { name: "prosody", title: "Prosody" };
  return { name: options.server, title: `ejabberd, passwords stored ${passwordFormat === "plain" ? "in plain text" : "as SCRAM"} (auth_password_format: ${passwordFormat})` };
}

/** One sandbox server, its users, one gateway, and the selected phases; everything stopped at the end. */
async function runPass(passwordFormat: PasswordFormat | undefined, label: ServerLabel) {
  const ejabberd = options.server === "ejabberd" ? await startSandbox("ejabberd", { logLevel: "error", passwordFormat: passwordFormat ?? "scram" }) : undefined;
  // The conversations phase archives 10 000 messages for one user: Prosody's default cap.
  const prosodyConfig = has("conversations") ? { serverConfig: { storage_archive_item_limit: 100_000, } } : {};
  const sandbox: XmppSandbox = ejabberd ?? (await startSandbox("prosody", { logLevel: "error", storage: options.prosodyStorage, ...prosodyConfig }));
  const apiUrl = ejabberd?.apiUrl;
  const serverPid = Number(readFileSync(`${sandbox.dir}/${options.server}.pid`, "utf8").trim());
  const raw = new RawSessions({ service: sandbox.service, domain: sandbox.domain });
  let gateway: Awaited<ReturnType<typeof startGatewayProcess>> | undefined;
  let gatewayCommand: string | undefined;
  let http: GatewayHttp | undefined;
  let httpApi: EjabberdHttpApi | undefined;
  const tag = `${stamp}-${options.server}${passwordFormat ? `-${passwordFormat}` : ""}`;
  const profDir = `${resultsDir}${tag}-prof`;
  const profiles: Record<string, ProfileSummary> = {};
  const results: Results = {};
  const profileWindows = new Map<string, Array<readonly [number, number]>>();
  const setup: Record<string, number> = {};
  const failures: Partial<Record<Phase, string>> = {};
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
    const how = await fillRosters(sandbox, options.server, [...users, ...coldUsers], options.contacts, raw, Math.min(poolUsers, RAW_SESSION_CAP));
    setup.rostersMs = performance.now() - t;
    log(`gave ${users.length + coldUsers.length} users ${options.contacts} contacts each (${how}) and opened ${raw.size} raw sessions in ${(setup.rostersMs / 1000).toFixed(1)} s`);

    gateway = await startGatewayProcess({
      service: sandbox.service,
      domain: sandbox.domain,
      maxSessions: created.length + 100,
      logFile: `${resultsDir}${tag}-gateway.log`,
      tokenStorePath: `${sandbox.dir}/token-revocations.json`,
      cpuProfDir: options.profile ? profDir : undefined,
      inspect: has("scaling"),
      entry: options.entry,
      nodeArgs: options.nodeArgs,
    });
    gatewayCommand = gateway.command;
    log(`gateway (${gateway.command}) pid ${gateway.pid} at ${gateway.url}${options.profile ? ` (profiling into ${profDir})` : ""}`);
    http = new GatewayHttp(gateway.url);
    if (apiUrl) httpApi = new EjabberdHttpApi(apiUrl, sandbox.domain);
    const ctx: BenchContext = {
      options,
      target: { service: sandbox.service, domain: sandbox.domain },
      users,
      authOf: new Map(created.map((u) => [u, basicAuth(u)])),
      coldUsers,
      deliveryUsers: { peer, raw: rawUser, mirror, ws, sse },
      gateway,
      http,
      server: { kind: options.server, ...(passwordFormat ? { passwordFormat } : {}), ...(options.server === "prosody" ? { storage: options.prosodyStorage } : {}) },
      serverPid,
      ...(httpApi ? { httpApi } : {}),
      raw,
      profileWindows,
      spawnGateway: (name, env) => startGatewayProcess({
        service: sandbox.service,
        domain: sandbox.domain,
        maxSessions: created.length + 100,
        logFile: `${resultsDir}${tag}-gateway-${name}.log`,
        tokenStorePath: `${sandbox.dir}/token-revocations-${name}.json`,
        entry: options.entry,
        nodeArgs: options.nodeArgs,
        env,
      }),
      createUsers: (count, prefix) => sandbox.createUsers(count, prefix),
      log,
    };

    // A failed phase is reported and the others still run: on ejabberd one run is two
    // passes of several minutes, and one flaky figure must not throw all of them away.
    const phase = async <K extends keyof Results>(name: K, what: string, run: () => Promise<Results[K]>) => {
      if (!has(name)) return;
      log(what);
      try {
        results[name] = await run();
      } catch (error) {
        failures[name] = error instanceof Error ? error.message : String(error);
        log(`${name} FAILED: ${failures[name]}`);
      }
    };
    await phase("latency", `latency: warm listContacts vs raw roster IQ${httpApi ? " vs mod_http_api get_roster" : ""}`, () => runLatency(ctx));
    await phase("cold", `cold: ${coldUsers.length} first requests vs raw login + IQ${httpApi ? " vs mod_http_api on a new connection" : ""}`, () => runCold(ctx));
    await phase("delivery", "delivery: peer → raw / graphql-ws / SSE", () => runDelivery(ctx));
    await phase("scaling", `scaling: ${options.scaleSteps.join(" → ")} users`, () => runScaling(ctx));
    await phase("throughput", `throughput: ${options.throughputUsers} users × ${options.throughputSeconds} s per side`, () => runThroughput(ctx));
    await phase("telemetry", "telemetry: gateway CPU per request with metrics and access logs on vs off", () => runTelemetry(ctx));
    await phase("reproof", `reproof: requests that prove the password again (CREDENTIAL_RECHECK_S=${REPROOF_BOUND_S}) vs warm ones, re-proofs per bound`, () => runReproof(ctx));
    await phase("conversations", `conversations: one user, ${options.conversationPeers} conversations over ${options.conversationMessages} messages`, () => runConversations(ctx));
    setup.gatewayConnections = http.connections;
    if (httpApi) setup.httpApiConnections = httpApi.connections;
  } finally {
    http?.close();
    httpApi?.close();
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
  return { setup, gatewayCommand, results, failures, rows: buildRows(results, label), profiles };
}
