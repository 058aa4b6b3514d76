import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { get } from "node:http";
import { fileURLToPath } from "node:url";
import { sleep } from "./stats.js";
import { freePorts } from "../scripts/sandbox/xmpp-wire.js";

/*
 * The gateway under test, as a separate process started the way `npm start` starts it
 * (package.json's `start` script: its environment, node flags and `dist/main.js`), so the
 * figures are those an operator gets. Its CPU time (/proc/<pid>/stat) and RSS
 * (/proc/<pid>/status) then belong to the gateway alone, not to the benchmark's clients.
 * A `.ts` entry (--entry) runs the same way under tsx, to A/B an unbuilt change.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** How package.json's `start` script runs the gateway. */
export interface StartCommand {
  env: Record<string, string>;
  nodeArgs: string[];
  entry: string;
}

/**
 * Reads package.json's `start` script, which must have the shape
 * `[NAME=value …] [exec] node [--flag …] <entry>` (`exec` lets npm's SIGTERM reach node).
 * @throws Error when the script has another shape.
 */
export function readStartCommand(): StartCommand {
  const script: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts?.start ?? "";
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? "")) {
    const [name, ...value] = words.shift()!.split("=");
    env[name!] = value.join("=");
  }
  if (words[0] === "exec") words.shift();
  const [node, ...rest] = words;
  const entry = rest.pop();
  if (node !== "node" || !entry || entry.startsWith("-") || rest.some((w) => !w.startsWith("-"))) {
    throw new Error(`package.json's start script must read "[NAME=value …] [exec] node [--flag …] <entry>", not "${script}"`);
  }
  return { env, nodeArgs: rest, entry };
}

/**
 * Runs `npm run build` when `entry` (a built file such as dist/main.js) is missing or
 * older than anything under src/ or schema/.
 * @throws Error when the build fails.
 */
export function ensureBuilt(entry: string, log: (message: string) => void): void {
  const built = mtimeOf(join(ROOT, entry));
  const sources = Math.max(newest(join(ROOT, "src")), newest(join(ROOT, "schema")));
  if (built >= sources) return;
  log(built ? `${entry} is older than src/ or schema/: npm run build` : `${entry} is missing: npm run build`);
  const result = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0 || !mtimeOf(join(ROOT, entry))) {
    throw new Error(`npm run build failed (exit ${result.status ?? result.signal}); the bench runs the built gateway, ${entry}`);
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) max = Math.max(max, mtimeOf(join(entry.parentPath, entry.name)));
  }
  return max;
}

/** A running gateway child process. */
export interface GatewayProcess {
  url: string;
  pid: number;
  /** The command line it runs, with the environment the start script sets. */
  command: string;
  /** The inspector's port (loopback), used only to force GCs before memory readings. */
  inspectPort: number | undefined;
  /** Pooled sessions, from /healthz. */
  sessions(): Promise<number>;
  /** SIGTERM (the gateway closes its sessions and exits), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

export interface GatewayProcessOptions {
  service: string;
  domain: string;
  maxSessions: number;
  logFile: string;
  tokenStorePath: string;
  /** Directory for `--cpu-prof` output; no profiling when unset. */
  cpuProfDir?: string;
  /** Open the inspector on a loopback port (see inspector.ts). */
  inspect?: boolean;
  /** The gateway's entry module, relative to the project root; the start script's by default. */
  entry?: string;
  /** Extra node flags, after the start script's (a later V8 flag overrides an earlier one). */
  nodeArgs?: string[];
  /** Settings that override the bench's own (e.g. METRICS, LOG_LEVEL for the telemetry phase). */
  env?: Record<string, string>;
}


function getJson(url: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch (error) {
          reject(error);
        }
      });
    }).on("error", reject);
  });
}

/** Starts the gateway and resolves once /healthz answers. */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  const port = (await freePorts(1))[0]!;
  const url = `http://127.0.0.1:${port}`;
  const start = readStartCommand();
  const entry = options.entry ?? start.entry;
  const nodeArgs = [...(entry.endsWith(".ts") ? ["--import", "tsx"] : []), ...start.nodeArgs, ...(options.nodeArgs ?? [])];
  if (options.cpuProfDir) nodeArgs.push("--cpu-prof", "--cpu-prof-dir", options.cpuProfDir);
  const inspectPort = options.inspect ? (await freePorts(1))[0]! : undefined;
  if (inspectPort) nodeArgs.push(`--inspect=127.0.0.1:${inspectPort}`);
  const logFd = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...nodeArgs, entry], {
      cwd: ROOT,
      stdio: ["ignore", logFd, logFd],
      env: {
        ...process.env,
        ...start.env,
        XMPP_SERVICE: options.service,
        XMPP_DOMAIN: options.domain,
        HOST: "127.0.0.1",
        PORT: String(port),
        LOG_LEVEL: "warn",
        POOL_MAX_SESSIONS: String(options.maxSessions),
        POOL_IDLE_TIMEOUT_MS: String(3_600_000),
        XMPP_IQ_TIMEOUT_MS: "30000",
        XMPP_CONNECT_TIMEOUT_MS: "30000",
        TOKEN_STORE_PATH: options.tokenStorePath,
        ...options.env,
      },
    });
  } finally {
    closeSync(logFd);
  }
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once("exit", () => ((exited = true), resolve())));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`the gateway exited during startup:\n${tail(options.logFile)}`);
    try {
      if ((await getJson(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the gateway did not answer within 30 s:\n${tail(options.logFile)}`);
    }
    await sleep(100);
  }
  const stopOnExit = () => child.kill("SIGKILL");
  process.once("exit", stopOnExit);
  return {
    url,
    pid: child.pid!,
    command: [...Object.entries(start.env).map(([k, v]) => `${k}=${v}`), "node", ...nodeArgs, entry].join(" "),
    inspectPort,
    async sessions() {
      return (await getJson(`${url}/healthz`)).body.sessions as number;
    },
    async stop() {
      process.off("exit", stopOnExit);
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}
