/**
 * What the packaging checks (scripts/pack-check.ts, scripts/container-check.ts) share:
 * running commands, starting the built gateway as its own process, and waiting for it to
 * answer over HTTP. Every wait is bounded and fails with the process's own output.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (at most `timeoutMs`); never throws for a non-zero exit. */
export async function run(command: string, args: readonly string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<RunResult> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300_000);
  const [code] = (await once(child, "close")) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Runs a command and returns its stdout. @throws Error with its output when it fails. */
export async function runOk(command: string, args: readonly string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited with ${result.code}\n${result.stdout}${result.stderr}`);
  }
  return result.stdout;
}

/** A free loopback TCP port (free now; the caller binds it right away). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, "close");
  return port;
}

/** A long-running process whose output is kept for error messages. */
export interface RunningProcess {
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export function startProcess(command: string, args: readonly string[], options: SpawnOptions): RunningProcess {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return {
    child,
    output: () => output,
    async stop(graceMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * Polls `url` until it answers 200 (at most `timeoutMs`).
 * @throws Error with the process's output when it exits first or the time runs out.
 */
export async function waitForOk(url: string, process: RunningProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) throw new Error(`the process exited with ${process.child.exitCode} before ${url} answered\n${process.output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      last = `status ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})\n${process.output()}`);
}

/**
 * Asks the gateway at `baseUrl` who `user` is, over GraphQL with Basic auth.
 * @throws Error unless it answers with the user's JID.
 */
export async function expectCheckAuth(baseUrl: string, user: { jid: string; password: string }): Promise<void> {
  const response = await fetch(`${baseUrl}/api/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Basic ${Buffer.from(`${user.jid}:${user.password}`).toString("base64")}`,
    },
    body: JSON.stringify({ query: "{ checkAuth { username authStatus } }" }),
  });
  const body = (await response.json()) as { data?: { checkAuth?: { username?: string } } };
  if (body.data?.checkAuth?.username !== user.jid) throw new Error(`checkAuth as ${user.jid} answered ${response.status} ${JSON.stringify(body)}`);
}

/** Logs one step of a check on stderr. */
export const step = (text: string): void => void process.stderr.write(`-- ${text}\n`);
