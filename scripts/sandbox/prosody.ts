/**
 * A throwaway Prosody for `npm run dev`, integration tests and benchmarks.
 *
 * Each call to {@link startProsody} writes a config into a fresh temp dir, picks free
 * loopback ports, runs `prosody -F` as a child process and waits until c2s answers a
 * stream header. Users are created by in-band registration (XEP-0077) over a raw,
 * hand-driven TCP stream: hundreds per second, where `prosodyctl register` boots a Lua VM
 * per user (~40 ms+ each).
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, closeSync, constants as fsConstants, openSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { SaxesParser } from "saxes";

const execFileAsync = promisify(execFile);

/** An account on the sandbox server. */
export interface SandboxUser {
  /** Local part, lowercase (Prosody nodepreps it anyway). */
  username: string;
  password: string;
  /** Bare JID, `username@domain`. */
  jid: string;
}

/** A running (or killed, or stopped) throwaway Prosody. */
export interface ProsodySandbox {
  /** The virtual host users live on, `localhost` by default. */
  domain: string;
  /** MUC component (XEP-0045, with MUC MAM): `muc.<domain>`. */
  mucDomain: string;
  /** HTTP File Upload component (XEP-0363): `upload.<domain>`. */
  uploadDomain: string;
  /** Always `127.0.0.1`: every listener is loopback-only. */
  host: string;
  c2sPort: number;
  /** Plain HTTP listener serving the upload component's PUT/GET URLs. */
  httpPort: number;
  /** `xmpp://127.0.0.1:<c2sPort>`, as `@xmpp/client` takes it. */
  service: string;
  /** The temp dir holding config, data, pidfile and logs. */
  dir: string;
  /**
   * Registers an account. A random unique lowercase name and a random password are used
   * when omitted. Throws when the name is taken or registration fails by every route.
   */
  createUser(username?: string, password?: string): Promise<SandboxUser>;
  /**
   * Registers `n` accounts named `<prefix>-<random>-<i>` with random passwords, pipelined
   * on one XMPP stream (one server round trip in total, not n process boots).
   */
  createUsers(n: number, prefix?: string): Promise<SandboxUser[]>;
  /** SIGTERM, wait for exit (SIGKILL after a few seconds), remove the temp dir. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL without cleanup (for fault tests); the dir stays so that {@link restart} works. */
  kill(): Promise<void>;
  /** Stops the server if it runs, then starts it again on the same ports with the same data. */
  restart(): Promise<void>;
}

/** Options for {@link startProsody}. */
export interface StartProsodyOptions {
  /** Virtual host name; `localhost` by default. Components become `muc.<domain>` and `upload.<domain>`. */
  domain?: string;
  /** Prosody's minimum log level in `<dir>/prosody.log`: `debug`, `info` (default), `warn` or `error`. */
  logLevel?: string;
}

const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 4_000;
/** Longest silence while waiting for a registration reply (Prosody hashes ~3-4 ms per account). */
const IBR_IDLE_TIMEOUT_MS = 10_000;
const LOG_LEVELS = new Set(["debug", "info", "warn", "error"]);

// XEP-0077 §3 (registration) over RFC 6120 §4 streams.
const NS_REGISTER = "jabber:iq:register";
const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

/**
 * Makes sure a `prosody` binary is available. When it is missing and we are root, installs
 * Debian's package (`apt-get install -y prosody`, after `apt-get update` if the first try
 * fails). Throws an Error naming the package to install when it cannot.
 */
export async function ensureProsodyInstalled(): Promise<void> {
  if (findExecutable("prosody")) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      "Prosody is not installed. Install Debian's package: `sudo apt-get install -y prosody` " +
        "(the sandbox needs /usr/bin/prosody and /usr/bin/prosodyctl, version 0.12).",
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => execFileAsync("apt-get", ["install", "-y", "prosody"], { env, maxBuffer: 64 * 1024 * 1024 });
  try {
    await install();
  } catch {
    // A fresh container usually has empty package lists; only then is `update` worth its time.
    await execFileAsync("apt-get", ["update"], { env, maxBuffer: 64 * 1024 * 1024 });
    await install();
  }
  if (!findExecutable("prosody")) throw new Error("`apt-get install -y prosody` succeeded but no `prosody` is on PATH");
  // Debian's package starts a system-wide Prosody on 5222/5269/5280; we never use it, and
  // the sandbox does not collide with it (free ports only), so it is left alone.
}

/**
 * Starts a throwaway Prosody on free loopback ports in a new temp dir.
 * Resolves once c2s answers an XMPP stream header; rejects after ~15 s (or as soon as the
 * process dies) with the tail of Prosody's log in the message.
 */
export async function startProsody(opts: StartProsodyOptions = {}): Promise<ProsodySandbox> {
  await ensureProsodyInstalled();
  const domain = opts.domain ?? "localhost";
  const logLevel = opts.logLevel ?? "info";
  if (!LOG_LEVELS.has(logLevel)) throw new Error(`logLevel must be one of ${[...LOG_LEVELS].join(", ")}, not ${logLevel}`);

  const dir = await mkdtemp(join(tmpdir(), "xmpp-graphql-prosody-"));
  try {
    const [c2sPort, httpPort] = await freePorts(2);
    const sandbox = new Sandbox({ domain, dir, c2sPort: c2sPort!, httpPort: httpPort!, logLevel });
    await sandbox.writeConfig();
    await sandbox.launch();
    return sandbox;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

interface SandboxSettings {
  domain: string;
  dir: string;
  c2sPort: number;
  httpPort: number;
  logLevel: string;
}

class Sandbox implements ProsodySandbox {
  readonly domain: string;
  readonly mucDomain: string;
  readonly uploadDomain: string;
  readonly host = HOST;
  readonly c2sPort: number;
  readonly httpPort: number;
  readonly service: string;
  readonly dir: string;
  private readonly logLevel: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(s: SandboxSettings) {
    this.domain = s.domain;
    this.mucDomain = `muc.${s.domain}`;
    this.uploadDomain = `upload.${s.domain}`;
    this.c2sPort = s.c2sPort;
    this.httpPort = s.httpPort;
    this.service = `xmpp://${HOST}:${s.c2sPort}`;
    this.dir = s.dir;
    this.logLevel = s.logLevel;
  }

  get configPath(): string {
    return join(this.dir, "prosody.cfg.lua");
  }

  async writeConfig(): Promise<void> {
    await mkdir(join(this.dir, "data"), { recursive: true });
    // An empty certificate dir: Prosody indexes `certificates` at startup and would log
    // errors about the system-wide /etc/prosody/certs otherwise. No listener uses TLS.
    await mkdir(join(this.dir, "certs"), { recursive: true });
    await writeFile(this.configPath, renderConfig(this, this.logLevel));
  }

  async launch(): Promise<void> {
    if (this.stopped) throw new Error("this Prosody sandbox was stopped; start a new one");
    const prosody = findExecutable("prosody") ?? "/usr/bin/prosody";
    // Early failures (a config syntax error, a port taken) go to stdout/stderr before the
    // log file is set up, so both streams land in a file we can quote from.
    const consoleFd = openSync(join(this.dir, "console.log"), "a");
    let child: ChildProcess;
    try {
      // Not detached: a Ctrl-C in the terminal reaches Prosody too, so an interrupted
      // `vitest`/`npm run dev` leaves nothing behind even if our handlers never run.
      child = spawn(prosody, ["--config", this.configPath, "-F"], {
        cwd: this.dir,
        stdio: ["ignore", consoleFd, consoleFd],
      });
    } finally {
      closeSync(consoleFd);
    }
    this.child = child;
    live.add(this);
    installExitHooks();
    let exitInfo: string | null = null;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
        if (this.child === child) this.child = null;
        resolve();
      });
      child.once("error", (err) => {
        exitInfo = `spawn error: ${err.message}`;
        if (this.child === child) this.child = null;
        resolve();
      });
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError = "";
    while (Date.now() < deadline) {
      if (exitInfo) {
        throw new Error(`Prosody exited during startup (${exitInfo}).\n${await this.logTail()}`);
      }
      try {
        await probeStream(HOST, this.c2sPort, this.domain, 1_000);
        await probeTcp(HOST, this.httpPort, 1_000);
        return;
      } catch (err) {
        lastError = (err as Error).message;
        await sleep(50);
      }
    }
    await this.kill();
    throw new Error(
      `Prosody did not answer on ${HOST}:${this.c2sPort} within ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError}).\n${await this.logTail()}`,
    );
  }

  async createUser(username?: string, password?: string): Promise<SandboxUser> {
    const users = await this.register([
      { username: (username ?? `user-${randomHex(6)}`).toLowerCase(), password: password ?? randomPassword() },
    ]);
    return users[0]!;
  }

  async createUsers(n: number, prefix = "user"): Promise<SandboxUser[]> {
    if (!Number.isInteger(n) || n < 0) throw new Error(`createUsers: n must be a non-negative integer, not ${n}`);
    const batch = randomHex(4);
    const wanted = Array.from({ length: n }, (_, i) => ({
      username: `${prefix.toLowerCase()}-${batch}-${i}`,
      password: randomPassword(),
    }));
    return this.register(wanted);
  }

  private async register(wanted: Array<{ username: string; password: string }>): Promise<SandboxUser[]> {
    if (wanted.length === 0) return [];
    const results = await registerInBand(HOST, this.c2sPort, this.domain, wanted).catch(
      (err: Error) => wanted.map(() => ({ ok: false as const, condition: "stream", text: err.message })),
    );
    const users: SandboxUser[] = [];
    for (const [i, result] of results.entries()) {
      const { username, password } = wanted[i]!;
      if (!result.ok) {
        // A taken name is the caller's mistake, not a reason to try another route.
        if (result.condition === "conflict") throw new Error(`cannot create ${username}@${this.domain}: the name is taken`);
        try {
          await this.registerWithProsodyctl(username, password);
        } catch (err) {
          throw new Error(
            `cannot create ${username}@${this.domain}: in-band registration failed (${result.condition}${result.text ? `: ${result.text}` : ""}) ` +
              `and so did \`prosodyctl register\` (${(err as Error).message.trim()}).\n${await this.logTail()}`,
          );
        }
      }
      users.push({ username, password, jid: `${username}@${this.domain}` });
    }
    return users;
  }

  private async registerWithProsodyctl(username: string, password: string): Promise<void> {
    const prosodyctl = findExecutable("prosodyctl") ?? "/usr/bin/prosodyctl";
    await execFileAsync(prosodyctl, ["--config", this.configPath, "register", username, this.domain, password], {
      cwd: this.dir,
      timeout: 15_000,
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const child = this.child;
    if (child) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    live.delete(this);
    await rm(this.dir, { recursive: true, force: true });
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGKILL");
    await this.exited;
  }

  async restart(): Promise<void> {
    if (this.stopped) throw new Error("this Prosody sandbox was stopped; start a new one");
    const child = this.child;
    if (child) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    await this.launch();
  }

  /** Last lines of Prosody's log and console output, for error messages. */
  async logTail(lines = 30): Promise<string> {
    const parts: string[] = [];
    for (const name of ["prosody.log", "console.log"]) {
      const text = await readFile(join(this.dir, name), "utf8").catch(() => "");
      const tail = text.trimEnd().split("\n").slice(-lines).join("\n");
      if (tail) parts.push(`--- ${join(this.dir, name)} (last ${lines} lines) ---\n${tail}`);
    }
    return parts.join("\n") || `(no log output in ${this.dir})`;
  }

  /** Synchronous last resort for the process exit hooks. */
  killNowAndClean(): void {
    this.child?.kill("SIGKILL");
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      // The process is exiting; there is nobody left to tell.
    }
  }
}

function renderConfig(s: Sandbox, logLevel: string): string {
  const q = (v: string) => JSON.stringify(v); // JSON string escapes are valid Lua string escapes
  const httpBase = `http://${HOST}:${s.httpPort}/`;
  return `-- Generated by scripts/sandbox/prosody.ts for a throwaway server; deleted on stop().

-- We run as root in containers and CI; Prosody refuses to start as root without this.
run_as_root = true
-- Foreground child of the node process: it must not fork away from its parent.
daemonize = false
pidfile = ${q(join(s.dir, "prosody.pid"))}
data_path = ${q(join(s.dir, "data"))}
certificates = ${q(join(s.dir, "certs"))}
log = {
  { levels = { min = ${q(logLevel)} }, to = "file", filename = ${q(join(s.dir, "prosody.log"))} };
}

-- Loopback only, on the free ports we picked; every other listener off, so two sandboxes
-- (or a system Prosody) never fight over 5222/5269/5280/5281/5347.
interfaces = { ${q(HOST)} }
local_interfaces = { ${q(HOST)} }
c2s_ports = { ${s.c2sPort} }
c2s_direct_tls_ports = {}
legacy_ssl_ports = {}
s2s_ports = {}
s2s_direct_tls_ports = {}
component_ports = {}
http_ports = { ${s.httpPort} }
http_interfaces = { ${q(HOST)} }
https_ports = {}

-- No TLS on loopback. SCRAM-SHA-1 is still offered without it; PLAIN is not.
c2s_require_encryption = false
s2s_require_encryption = false
allow_unencrypted_plain_auth = false
authentication = "internal_hashed"
-- Files under data_path, so that restart() keeps accounts, rosters and archives.
storage = "internal"

-- In-band registration (XEP-0077) is how createUser() works. mod_register_limits only
-- throttles when min_seconds_between_registrations (or registration_throttle_max) is set,
-- and never throttles allowlisted IPs; we leave the former unset and allowlist loopback.
allow_registration = true
registration_allowlist = { "127.0.0.1", "::1" }
allowlist_registration_only = false

modules_enabled = {
  "roster"; "saslauth"; "disco"; "carbons"; "pep"; "private"; "blocklist";
  -- mod_vcard stores vcard-temp as given; the default vcard_legacy keeps only part of it.
  "vcard";
  "version"; "uptime"; "time"; "ping"; "register"; "lastactivity"; "mam"; "offline";
  "http";
}
modules_disabled = {
  -- s2s is autoloaded; without it a stanza to a remote domain bounces at once with
  -- not-allowed instead of waiting on DNS.
  "s2s";
  -- Rate limits would throttle tests and benchmarks; mod_smacks makes xmpp.js 0.14 lose
  -- throughput (it never acks IQ replies, see DESIGN.md).
  "limits"; "smacks";
  "vcard_legacy"; "vcard4";
  "admin_shell"; "admin_socket"; "admin_telnet";
  "tls"; "bosh"; "websocket";
}

-- MAM (XEP-0313) like MongooseIM's defaults: archive every chat by default.
archive_expires_after = "1w"
default_archive_policy = true

-- Unknown Host headers (e.g. "localhost:<port>") fall back to the upload routes.
http_default_host = ${q(HOST)}

VirtualHost ${q(s.domain)}

Component ${q(s.mucDomain)} "muc"
  modules_enabled = { "muc_mam" }
  restrict_room_creation = false
  -- MongooseIM's defaults: rooms are public, not persistent.
  muc_room_default_public = true
  muc_room_default_persistent = false
  muc_room_locking = true
  -- Tests destroy and re-create rooms; a tombstone would block the name for a month.
  muc_tombstones = false
  -- Benchmarks keep many live rooms; the default cache of 100 would evict them.
  muc_room_cache_size = 10000

Component ${q(s.uploadDomain)} "http_file_share"
  -- mod_http routes by Host header: by default this component's PUT/GET URLs live under
  -- Host "${s.uploadDomain}", which nothing on loopback resolves to, and requests to
  -- 127.0.0.1:<port> get 404. Route and advertise on the address clients really use.
  http_host = ${q(HOST)}
  http_external_url = ${q(httpBase)}
  -- The default quota (100 MB a day per user) would fail upload benchmarks part-way.
  http_file_share_daily_quota = 1024 * 1024 * 1024
`;
}

// ---------------------------------------------------------------------------------------
// In-band registration over a raw stream (RFC 6120 §4, XEP-0077 §3.1)

type IbrResult = { ok: true } | { ok: false; condition: string; text?: string };

/**
 * Opens one unauthenticated c2s stream and pipelines a registration IQ per account on it;
 * Prosody answers them in order. Resolves with one result per account; rejects only when
 * the stream itself fails.
 */
async function registerInBand(
  host: string,
  port: number,
  domain: string,
  accounts: Array<{ username: string; password: string }>,
): Promise<IbrResult[]> {
  const socket = await openSocket(host, port, 5_000);
  const stream = new StanzaReader(socket);
  try {
    socket.write(streamHeader(domain));
    const features = await stream.next(IBR_IDLE_TIMEOUT_MS);
    if (features.name !== "stream:features") throw new Error(`expected <stream:features/>, got <${features.name}>`);
    if (!features.children.has("register")) {
      throw new Error("the server does not offer in-band registration (is allow_registration on?)");
    }
    const ids = accounts.map((_, i) => `reg${i}`);
    socket.write(
      accounts
        .map(
          (a, i) =>
            `<iq type='set' id='${ids[i]}'><query xmlns='${NS_REGISTER}'>` +
            `<username>${escapeXml(a.username)}</username><password>${escapeXml(a.password)}</password></query></iq>`,
        )
        .join(""),
    );
    const byId = new Map<string, IbrResult>();
    while (byId.size < accounts.length) {
      // An idle timeout, not a total one: a batch of thousands legitimately takes seconds.
      const el = await stream.next(IBR_IDLE_TIMEOUT_MS);
      if (el.name !== "iq" || !el.attrs.id) continue;
      if (el.attrs.type === "result") byId.set(el.attrs.id, { ok: true });
      else if (el.attrs.type === "error") byId.set(el.attrs.id, { ok: false, condition: el.errorCondition ?? "unknown", text: el.errorText });
    }
    socket.end("</stream:stream>");
    return ids.map((id) => byId.get(id)!);
  } finally {
    socket.destroy();
  }
}

/** Ready check: connects and waits for the server's stream header. */
async function probeStream(host: string, port: number, domain: string, timeoutMs: number): Promise<void> {
  const socket = await openSocket(host, port, timeoutMs);
  const stream = new StanzaReader(socket);
  try {
    socket.write(streamHeader(domain));
    await stream.opened(timeoutMs);
  } finally {
    socket.destroy();
  }
}

async function probeTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  (await openSocket(host, port, timeoutMs)).destroy();
}

function streamHeader(domain: string): string {
  return (
    `<?xml version='1.0'?><stream:stream to='${escapeXml(domain)}' version='1.0' ` +
    `xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`
  );
}

/** A top-level stanza, reduced to what registration needs. */
interface TopElement {
  name: string;
  attrs: Record<string, string>;
  /** Names of the direct children. */
  children: Set<string>;
  /** For `type='error'` stanzas: the defined condition and text (RFC 6120 §8.3). */
  errorCondition?: string;
  errorText?: string;
}

/** Turns the byte stream into top-level elements (depth 1 under `<stream:stream>`). */
class StanzaReader {
  private readonly parser = new SaxesParser();
  private readonly queue: TopElement[] = [];
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;
  private isOpen = false;
  private depth = 0;
  private current: TopElement | null = null;
  private inError = false;
  private inErrorText = false;

  constructor(socket: Socket) {
    this.parser.on("opentag", (tag) => {
      this.depth++;
      const attrs = tag.attributes as Record<string, string>;
      if (this.depth === 1) {
        this.isOpen = true;
      } else if (this.depth === 2) {
        this.current = { name: tag.name, attrs: { ...attrs }, children: new Set() };
      } else if (this.current) {
        if (this.depth === 3) {
          this.current.children.add(tag.name);
          this.inError = tag.name === "error";
        } else if (this.depth === 4 && this.inError && attrs.xmlns === NS_STANZAS) {
          if (tag.name === "text") this.inErrorText = true;
          else this.current.errorCondition ??= tag.name;
        }
      }
      this.wake();
    });
    this.parser.on("text", (text) => {
      if (this.inErrorText && this.current) this.current.errorText = (this.current.errorText ?? "") + text;
    });
    this.parser.on("closetag", () => {
      if (this.depth === 4) this.inErrorText = false;
      if (this.depth === 3) this.inError = false;
      if (this.depth === 2 && this.current) {
        this.queue.push(this.current);
        this.current = null;
      }
      if (this.depth === 1) this.fail(new Error("the server closed the stream"));
      this.depth--;
      this.wake();
    });
    this.parser.on("error", (err) => this.fail(err));
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      if (this.failure) return;
      try {
        this.parser.write(chunk);
      } catch (err) {
        this.fail(err as Error);
      }
    });
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.fail(new Error("connection closed")));
  }

  async opened(timeoutMs: number): Promise<void> {
    await this.until(() => this.isOpen, timeoutMs, "the stream header");
  }

  async next(timeoutMs: number): Promise<TopElement> {
    await this.until(() => this.queue.length > 0, timeoutMs, "a stanza");
    return this.queue.shift()!;
  }

  private async until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.failure) throw this.failure;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake();
  }

  private wake(): void {
    this.waiter?.();
  }
}

// ---------------------------------------------------------------------------------------
// Process-exit safety net: no Prosody outlives the node process that started it.

const live = new Set<Sandbox>();
let hooksInstalled = false;

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const s of live) s.killNowAndClean();
  });
  // 'exit' does not fire when a signal's default action kills node, so clean up and then
  // re-raise the signal — unless someone else handles it (like the CLI), whose own
  // handler decides when to exit.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      if (process.listenerCount(signal) > 1) return;
      for (const s of live) s.killNowAndClean();
      live.clear();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

// ---------------------------------------------------------------------------------------
// Small helpers

/** Ports the kernel just handed out for 127.0.0.1; all held at once so they differ. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, HOST, () => resolve());
      });
      const address = server.address();
      if (!address || typeof address === "string") throw new Error("could not read a free port");
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    });
  });
}

function findExecutable(name: string): string | null {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter(Boolean);
  for (const dir of [...dirs, "/usr/bin", "/usr/sbin", "/usr/local/bin"]) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

function randomPassword(): string {
  return randomBytes(12).toString("base64url");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
