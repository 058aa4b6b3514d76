import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { get } from "node:http";
import { fileURLToPath } from "node:url";
import { sleep } from "./stats.js";
import { freePorts } from "../scripts/sandbox/xmpp-wire.js";

/*
 * The gateway under test, as a separate `node --import tsx src/main.ts` process: its CPU
 * time (/proc/<pid>/stat) and RSS (/proc/<pid>/status) then belong to the gateway alone,
 * not to the benchmark's own clients.
 */

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** A running gateway child process. */
export interface GatewayProcess {
  url: string;
  pid: number;
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
  /** The gateway's entry module, relative to the project root; `src/main.ts` by default. */
  entry?: string;
  /** Extra node flags. */
  nodeArgs?: string[];
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
  const nodeArgs = ["--import", "tsx", ...(options.nodeArgs ?? [])];
  if (options.cpuProfDir) nodeArgs.push("--cpu-prof", "--cpu-prof-dir", options.cpuProfDir);
  const inspectPort = options.inspect ? (await freePorts(1))[0]! : undefined;
  if (inspectPort) nodeArgs.push(`--inspect=127.0.0.1:${inspectPort}`);
  const logFd = openSync(options.logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...nodeArgs, options.entry ?? "src/main.ts"], {
      cwd: ROOT,
      stdio: ["ignore", logFd, logFd],
      env: {
        ...process.env,
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
