/**
 * Process-exit safety net for the sandbox servers: no server outlives the node process
 * that started it, whichever sandbox kinds that process runs.
 *
 * One registry holds a synchronous kill callback per live sandbox (Prosody and ejabberd
 * alike); one set of hooks, installed on first use, runs them on `exit` and on SIGINT,
 * SIGTERM and SIGHUP. {@link SandboxProcess} wraps a sandbox's server process and does
 * the registering, plus the spawning, waiting and stopping both sandboxes do alike.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { waitUntilListening, type ListeningServer } from "./xmpp-wire.js";

/** Synchronous teardown of one sandbox (SIGKILL its server, remove its dir): the process is going away. */
export type EmergencyKill = () => void;

const live = new Set<EmergencyKill>();
let hooksInstalled = false;

/**
 * Marks our signal fallbacks. `Symbol.for` rather than a module-local symbol: a test
 * runner that isolates modules (vitest) may load this file more than once into one
 * process, and each copy must still recognise the others' fallbacks as such.
 */
const FALLBACK = Symbol.for("xmpp-graphql.sandbox-signal-fallback");

/**
 * Registers a live sandbox: `kill` runs if the process exits or dies of SIGINT, SIGTERM
 * or SIGHUP before {@link unregisterLiveSandbox}. Registering the same function again is
 * a no-op, so a sandbox may call this on every (re)launch.
 */
export function registerLiveSandbox(kill: EmergencyKill): void {
  live.add(kill);
  installExitHooks();
}

/** Forgets a sandbox that was stopped cleanly. */
export function unregisterLiveSandbox(kill: EmergencyKill): void {
  live.delete(kill);
}

function killAllLive(): void {
  for (const kill of live) {
    try {
      kill();
    } catch {
      // One sandbox's failure must not leave the others running.
    }
  }
  live.clear();
}

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllLive);
  // 'exit' does not fire when a signal's default action kills node: clean up, then re-raise
  // the signal — unless a real handler (like a CLI's) decides when to exit. Fallbacks from
  // other copies of this module stand aside in the same way, so they do not count as real
  // handlers; each cleans up its own registry and the re-raised signal ends the process.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const fallback = () => {
      const others = process.listeners(signal).filter((l) => l !== fallback);
      if (others.some((l) => !isSignalFallback(l))) return;
      killAllLive();
      process.removeListener(signal, fallback);
      process.kill(process.pid, signal);
    };
    Object.defineProperty(fallback, FALLBACK, { value: true });
    process.on(signal, fallback);
  }
}

function isSignalFallback(listener: (...args: never[]) => unknown): boolean {
  return (listener as unknown as Record<symbol, unknown>)[FALLBACK] === true;
}

// ---------------------------------------------------------------------------------------
// The server's child process

/**
 * The server process of one sandbox across its (re)launches, and the sandbox's temp dir:
 * follows the process's exit, stops it SIGTERM-then-SIGKILL, and keeps the sandbox in the
 * live registry from {@link adopt} to {@link stop}, so that the exit hooks SIGKILL the
 * process and remove `dir` if node goes first.
 */
export class SandboxProcess {
  private child: ChildProcess | null = null;
  private exitedPromise: Promise<void> = Promise.resolve();
  private info: string | null = null;
  private isStopped = false;
  /** One function for the registry, so re-registering on every launch is a no-op. */
  private readonly emergencyKill: EmergencyKill = () => {
    this.child?.kill("SIGKILL");
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // The process is exiting; there is nobody left to tell.
    }
  };

  /**
   * @param dir the sandbox's temp dir, removed by the exit hooks.
   * @param graceMs how long {@link terminate} waits after SIGTERM before SIGKILL.
   */
  constructor(
    private readonly dir: string,
    private readonly graceMs: number,
  ) {}

  /**
   * Spawns the server (not detached: a Ctrl-C in the terminal reaches it too, so an
   * interrupted `vitest` or `npm run dev` leaves nothing behind even if our hooks never
   * run) with stdout and stderr appended to `<dir>/console.log`: early failures (a bad
   * option, a port taken) are printed there before the server's own log file exists.
   * Then {@link adopt}s it. `options.stdio` is overridden.
   */
  spawn(command: string, args: readonly string[], options: SpawnOptions): void {
    const consoleFd = openSync(join(this.dir, "console.log"), "a");
    let child: ChildProcess;
    try {
      child = spawn(command, args, { ...options, stdio: ["ignore", consoleFd, consoleFd] });
    } finally {
      closeSync(consoleFd);
    }
    this.adopt(child);
  }

  /**
   * Waits until the adopted server answers on c2s and HTTP (see {@link waitUntilListening});
   * throws as soon as it exits, or SIGKILLs it and throws after `timeoutMs`.
   */
  async untilListening(
    server: ListeningServer,
    opts: { serverName: string; timeoutMs: number; logTail: () => Promise<string> },
  ): Promise<void> {
    await waitUntilListening(server, { ...opts, exitInfo: () => this.exitInfo(), onTimeout: () => this.kill() });
  }

  /** Takes charge of a just-spawned server process and registers the sandbox as live. */
  adopt(child: ChildProcess): void {
    this.child = child;
    this.info = null;
    registerLiveSandbox(this.emergencyKill);
    const gone = (info: string, resolve: () => void) => {
      this.info = info;
      if (this.child === child) this.child = null;
      resolve();
    };
    this.exitedPromise = new Promise((resolve) => {
      child.once("exit", (code, signal) => gone(signal ? `signal ${signal}` : `exit code ${code}`, resolve));
      child.once("error", (err) => gone(`spawn error: ${err.message}`, resolve));
    });
  }

  /** How the last adopted process ended (`exit code N`, `signal SIGX`, `spawn error: …`); null while it runs. */
  exitInfo(): string | null {
    return this.info;
  }

  /** SIGTERM, then SIGKILL if the process is still there after the grace period; resolves once it is gone. */
  async terminate(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), this.graceMs);
    await this.exitedPromise;
    clearTimeout(timer);
  }

  /** SIGKILL without cleanup; resolves once the process is gone. The sandbox stays registered. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGKILL");
    await this.exitedPromise;
  }

  /** True once {@link stop} was called: the sandbox is gone for good. */
  get stopped(): boolean {
    return this.isStopped;
  }

  /**
   * {@link terminate}s the process, takes the sandbox off the live registry and removes
   * `dir`. Idempotent; afterwards {@link stopped} is true.
   */
  async stop(): Promise<void> {
    if (this.isStopped) return;
    this.isStopped = true;
    await this.terminate();
    unregisterLiveSandbox(this.emergencyKill);
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * The last `lines` lines of each of `files` (names in `dir`) that has any, under a header
 * naming the file: for error messages, where the server's own words explain a failure.
 */
export async function readLogTail(dir: string, files: readonly string[], lines = 30): Promise<string> {
  const parts: string[] = [];
  for (const name of files) {
    const text = await readFile(join(dir, name), "utf8").catch(() => "");
    const tail = text.trimEnd().split("\n").slice(-lines).join("\n");
    if (tail) parts.push(`--- ${join(dir, name)} (last ${lines} lines) ---\n${tail}`);
  }
  return parts.join("\n") || `(no log output in ${dir})`;
}
