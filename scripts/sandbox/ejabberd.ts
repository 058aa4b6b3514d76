/**
 * A throwaway ejabberd for integration tests and benchmarks: the second server of the
 * compatibility matrix, with the same shape as the Prosody sandbox (`./prosody.ts`).
 *
 * Each call to {@link startEjabberd} writes an `ejabberd.yml` into a fresh temp dir, picks
 * free loopback ports and runs the Erlang VM as a foreground child process — `erl` with
 * the flags `ejabberdctl foreground` would pass, not `ejabberdctl` itself, and never the
 * system service: nothing under /etc/ejabberd, /var/lib/ejabberd or /var/log/ejabberd is
 * read or written, and no epmd is started (the node listens for Erlang distribution on a
 * fixed loopback port instead, `-erl_epmd_port`). Users are created by in-band registration
 * (XEP-0077) pipelined on one raw c2s stream, not by one `ejabberdctl register` VM boot
 * (~0.5 s) per user.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, closeSync, constants as fsConstants, openSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { chown, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { promisify } from "node:util";
import { SaxesParser } from "saxes";
import type { ProsodySandbox, SandboxUser } from "./prosody.js";

export type { SandboxUser } from "./prosody.js";

const execFileAsync = promisify(execFile);

/** A running (or killed, or stopped) throwaway ejabberd: the Prosody sandbox's members plus its REST API. */
export interface EjabberdSandbox extends ProsodySandbox {
  /**
   * Port of the HTTP listener serving mod_http_api. The same listener serves the upload
   * PUT/GET URLs, so this equals {@link ProsodySandbox.httpPort}.
   */
  apiPort: number;
  /**
   * Base URL of mod_http_api, `http://127.0.0.1:<apiPort>/api`. Commands are
   * `POST <apiUrl>/<command>` with a JSON object of arguments and Basic auth
   * `user@domain:password`; e.g. `get_roster` takes `{"user": "alice", "host": "localhost"}`.
   */
  apiUrl: string;
  /** Erlang node name, `ejabberd-<random>@localhost`; kept across {@link ProsodySandbox.restart}. */
  node: string;
}

/** Options for {@link startEjabberd}. */
export interface StartEjabberdOptions {
  /** Virtual host name; `localhost` by default. Services become `muc.<domain>` and `upload.<domain>`. */
  domain?: string;
  /**
   * Minimum level in `<dir>/ejabberd.log`: ejabberd's names (`none`, `critical`, `error`,
   * `warning`, `notice`, `info` (default), `debug`) or Prosody's `warn`.
   */
  logLevel?: string;
  /**
   * How passwords are stored: `scram` (the default, like a production server) or `plain`.
   * Matters for mod_http_api, which checks the Basic password on every request: with
   * `scram` that is one PBKDF2 (4 096 rounds) per request.
   */
  passwordFormat?: "scram" | "plain";
}

const HOST = "127.0.0.1";
const READY_TIMEOUT_MS = 30_000;
/** ejabberd needs ~3 s to stop cleanly (mnesia, listeners); SIGKILL only after this. */
const STOP_GRACE_MS = 10_000;
/** Longest silence while waiting for a registration reply. */
const IBR_IDLE_TIMEOUT_MS = 10_000;
const LOG_LEVELS: Record<string, string> = {
  none: "none",
  emergency: "emergency",
  alert: "alert",
  critical: "critical",
  error: "error",
  warning: "warning",
  warn: "warning",
  notice: "notice",
  info: "info",
  debug: "debug",
};

// XEP-0077 §3 (registration) over RFC 6120 §4 streams.
const NS_REGISTER = "jabber:iq:register";
const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

/** Where Debian's package puts things; `ejabberdctl` names its library dir in `ERL_LIBS='…'`. */
const EJABBERDCTL_CANDIDATES = ["/usr/sbin/ejabberdctl", "/usr/bin/ejabberdctl", "/usr/local/sbin/ejabberdctl"];

/**
 * Makes sure ejabberd and an Erlang runtime are available. When they are missing and we
 * are root, installs Debian's package (`apt-get install -y ejabberd`, after `apt-get update`
 * if the first try fails) and stops the system service its postinst may have started.
 * Throws an Error naming the package to install when it cannot.
 */
export async function ensureEjabberdInstalled(): Promise<void> {
  if (findInstallation()) return;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      "ejabberd is not installed. Install Debian's package: `sudo apt-get install -y ejabberd` " +
        "(the sandbox needs /usr/bin/erl and ejabberd's Erlang libraries, version 23.01).",
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const install = () => execFileAsync("apt-get", ["install", "-y", "ejabberd"], { env, maxBuffer: 64 * 1024 * 1024 });
  try {
    await install();
  } catch {
    // A fresh container usually has empty package lists; only then is `update` worth its time.
    await execFileAsync("apt-get", ["update"], { env, maxBuffer: 64 * 1024 * 1024 });
    await install();
  }
  // The postinst starts a system ejabberd where policy-rc.d allows it (5222, 5269, 5280,
  // 5443, 3478, 1883 on all interfaces, plus epmd). The sandbox never uses it; it is ours
  // to stop because we just installed it.
  await execFileAsync("service", ["ejabberd", "stop"], { env }).catch(() => undefined);
  if (!findInstallation()) {
    throw new Error("`apt-get install -y ejabberd` succeeded but no ejabberd libraries or `erl` were found");
  }
}

/**
 * Starts a throwaway ejabberd on free loopback ports in a new temp dir.
 * Resolves once c2s answers an XMPP stream header and the HTTP listener accepts
 * connections; rejects after ~30 s (or as soon as the VM exits) with the tail of
 * ejabberd's logs in the message.
 */
export async function startEjabberd(opts: StartEjabberdOptions = {}): Promise<EjabberdSandbox> {
  await ensureEjabberdInstalled();
  const installation = findInstallation();
  if (!installation) throw new Error("ejabberd is installed but its libraries or `erl` cannot be found");
  const domain = opts.domain ?? "localhost";
  const logLevel = LOG_LEVELS[opts.logLevel ?? "info"];
  if (!logLevel) throw new Error(`logLevel must be one of ${Object.keys(LOG_LEVELS).join(", ")}, not ${opts.logLevel}`);
  const passwordFormat = opts.passwordFormat ?? "scram";
  if (passwordFormat !== "scram" && passwordFormat !== "plain") {
    throw new Error(`passwordFormat must be scram or plain, not ${String(passwordFormat)}`);
  }

  const runAs = serviceAccount();
  const dir = await mkdtemp(join(tmpdir(), "xmpp-graphql-ejabberd-"));
  try {
    if (runAs) assertReachable(dir, runAs);
    const [c2sPort, httpPort, distPort] = await freePorts(3);
    const sandbox = new Sandbox({
      domain,
      dir,
      c2sPort: c2sPort!,
      httpPort: httpPort!,
      distPort: distPort!,
      logLevel,
      passwordFormat,
      installation,
      runAs,
    });
    await sandbox.writeConfig();
    await sandbox.launch();
    return sandbox;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

interface Installation {
  erl: string;
  /** Directory holding `ejabberd-<version>/ebin` and its dependencies, for `ERL_LIBS`. */
  erlLibs: string;
}

interface Account {
  name: string;
  uid: number;
  gid: number;
}

interface SandboxSettings {
  domain: string;
  dir: string;
  c2sPort: number;
  httpPort: number;
  distPort: number;
  logLevel: string;
  passwordFormat: "scram" | "plain";
  installation: Installation;
  runAs: Account | null;
}

class Sandbox implements EjabberdSandbox {
  readonly domain: string;
  readonly mucDomain: string;
  readonly uploadDomain: string;
  readonly host = HOST;
  readonly c2sPort: number;
  readonly httpPort: number;
  readonly apiPort: number;
  readonly apiUrl: string;
  readonly service: string;
  readonly dir: string;
  readonly node: string;
  private readonly distPort: number;
  private readonly cookie = randomHex(16);
  private readonly logLevel: string;
  private readonly passwordFormat: "scram" | "plain";
  private readonly installation: Installation;
  private readonly runAs: Account | null;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(s: SandboxSettings) {
    this.domain = s.domain;
    this.mucDomain = `muc.${s.domain}`;
    this.uploadDomain = `upload.${s.domain}`;
    this.c2sPort = s.c2sPort;
    this.httpPort = s.httpPort;
    this.apiPort = s.httpPort;
    this.apiUrl = `http://${HOST}:${s.httpPort}/api`;
    this.service = `xmpp://${HOST}:${s.c2sPort}`;
    this.dir = s.dir;
    // Mnesia stamps its schema with the node name: restart() must reuse it to find the data.
    this.node = `ejabberd-${randomHex(4)}@localhost`;
    this.distPort = s.distPort;
    this.logLevel = s.logLevel;
    this.passwordFormat = s.passwordFormat;
    this.installation = s.installation;
    this.runAs = s.runAs;
  }

  get configPath(): string {
    return join(this.dir, "ejabberd.yml");
  }

  async writeConfig(): Promise<void> {
    for (const sub of ["database", "upload", "modules", "modules.d"]) await mkdir(join(this.dir, sub), { recursive: true });
    await writeFile(this.configPath, renderConfig(this, this.logLevel, this.passwordFormat));
    // Only for a human debugging a live sandbox:
    //   ejabberdctl --config-dir <dir> --spool <dir>/database --logs <dir> --node <node> status
    // (ERL_DIST_PORT makes the ctl client dial the node's port directly, without epmd).
    await writeFile(
      join(this.dir, "ejabberdctl.cfg"),
      `# Generated by scripts/sandbox/ejabberd.ts; lets ejabberdctl reach this sandbox's node.\n` +
        `ERL_DIST_PORT=${this.distPort}\nERL_OPTIONS="-setcookie ${this.cookie}"\nEJABBERD_BYPASS_WARNINGS=true\n`,
    );
    if (this.runAs) await chownTree(this.dir, this.runAs);
  }

  async launch(): Promise<void> {
    if (this.stopped) throw new Error("this ejabberd sandbox was stopped; start a new one");
    const dir = this.dir;
    // What `ejabberdctl foreground` runs, minus the system paths, plus: our own cookie, no
    // epmd (the node listens on distPort, loopback only), and +Bd so that a Ctrl-C reaching
    // the VM ends it instead of opening the break menu.
    const args = [
      "-sname", this.node,
      "-setcookie", this.cookie,
      "+P", "250000",
      "+Bd",
      "-erl_epmd_port", String(this.distPort),
      "-start_epmd", "false",
      "-kernel", "inet_dist_use_interface", "{127,0,0,1}",
      "-mnesia", "dir", JSON.stringify(join(dir, "database")),
      "-s", "ejabberd",
      "-noinput",
    ];
    // A clean environment: ERL_FLAGS/ERL_AFLAGS or the package's /etc/default values from
    // the caller's shell must not leak in, and HOME keeps `.erlang.cookie` & co. out of
    // the ejabberd user's real home.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      LANG: process.env.LANG ?? "C.UTF-8",
      HOME: dir,
      EJABBERD_CONFIG_PATH: this.configPath,
      EJABBERD_LOG_PATH: join(dir, "ejabberd.log"),
      EJABBERD_PID_PATH: join(dir, "ejabberd.pid"),
      ERL_LIBS: this.installation.erlLibs,
      ERL_CRASH_DUMP: join(dir, "erl_crash.dump"),
      ERL_MAX_PORTS: "32000",
      ERL_MAX_ETS_TABLES: "1400",
      CONTRIB_MODULES_PATH: join(dir, "modules"),
      CONTRIB_MODULES_CONF_DIR: join(dir, "modules.d"),
    };
    // Early failures (a bad option, a port taken) go to stdout before the log file exists.
    const consoleFd = openSync(join(dir, "console.log"), "a");
    let child: ChildProcess;
    try {
      // `erl` execs erlexec, which execs beam.smp: the child's pid is the VM's pid. Not
      // detached, so a Ctrl-C in the terminal reaches the VM too.
      child = spawn(this.installation.erl, args, {
        cwd: dir,
        env,
        stdio: ["ignore", consoleFd, consoleFd],
        ...(this.runAs ? { uid: this.runAs.uid, gid: this.runAs.gid } : {}),
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
        throw new Error(`ejabberd exited during startup (${exitInfo}).\n${await this.logTail()}`);
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
      `ejabberd did not answer on ${HOST}:${this.c2sPort} within ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError}).\n${await this.logTail()}`,
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
    let results: IbrResult[];
    try {
      results = await registerInBand(HOST, this.c2sPort, this.domain, wanted);
    } catch (err) {
      throw new Error(`in-band registration on ${this.service} failed: ${(err as Error).message}\n${await this.logTail()}`);
    }
    const users: SandboxUser[] = [];
    for (const [i, result] of results.entries()) {
      const { username, password } = wanted[i]!;
      if (!result.ok) {
        if (result.condition === "conflict") throw new Error(`cannot create ${username}@${this.domain}: the name is taken`);
        throw new Error(
          `cannot create ${username}@${this.domain}: in-band registration failed (${result.condition}${result.text ? `: ${result.text}` : ""})`,
        );
      }
      users.push({ username, password, jid: `${username}@${this.domain}` });
    }
    return users;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.terminate();
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
    if (this.stopped) throw new Error("this ejabberd sandbox was stopped; start a new one");
    await this.terminate();
    await this.launch();
  }

  /** SIGTERM (the VM runs init:stop(): listeners, sessions, mnesia), SIGKILL after a grace period. */
  private async terminate(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Last lines of ejabberd's logs and console output, for error messages. */
  async logTail(lines = 30): Promise<string> {
    const parts: string[] = [];
    for (const name of ["ejabberd.log", "error.log", "console.log"]) {
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

function renderConfig(s: Sandbox, logLevel: string, passwordFormat: string): string {
  const q = (v: string) => JSON.stringify(v); // a JSON string is a valid YAML double-quoted scalar
  const httpBase = `http://${HOST}:${s.httpPort}`;
  return `# Generated by scripts/sandbox/ejabberd.ts for a throwaway server; deleted on stop().
loglevel: ${logLevel}
hosts:
  - ${q(s.domain)}
# No certificates at all: every listener is plain TCP on loopback, and ACME must not
# try to fetch any.
acme:
  auto: false

# Loopback only, on the free ports we picked: no s2s, STUN, MQTT, BOSH or web admin, so
# two sandboxes (or a system ejabberd) never fight over 5222/5269/5280/5443/3478/1883.
listen:
  -
    port: ${s.c2sPort}
    ip: ${q(HOST)}
    module: ejabberd_c2s
    # The listener default is 5: a few dozen parallel logins overflow it and connections
    # stall for a SYN retransmit (1 s, 3 s, …).
    backlog: 1024
    max_stanza_size: 1048576
    # The stock config throttles c2s to 3 000 B/s.
    shaper: none
    access: c2s
    starttls: false
  -
    port: ${s.httpPort}
    ip: ${q(HOST)}
    module: ejabberd_http
    backlog: 1024
    request_handlers:
      /api: mod_http_api
      /upload: mod_http_upload

# Passwords stored as SCRAM (what a production server does); SASL offers SCRAM-SHA-1
# only, like the Prosody sandbox without TLS.
auth_method: internal
auth_password_format: ${passwordFormat}
disable_sasl_mechanisms:
  - "PLAIN"
  - "DIGEST-MD5"
  - "X-OAUTH2"
# Otherwise one registration per IP address per 600 s.
registration_timeout: infinity
# A stanza to another domain bounces at once instead of waiting on DNS.
s2s_access: none

acl:
  local:
    user_regexp: ""
access_rules:
  local:
    allow: local
  c2s:
    allow: all
shaper_rules:
  max_user_sessions: 10000
  max_user_offline_messages: 10000
  c2s_shaper: none

api_permissions:
  "console commands":
    from:
      - ejabberd_ctl
    who: all
    what: "*"
  # In 23.01 an authenticated HTTP caller counts as "admin" for user-policy commands:
  # get_roster needs explicit user/host arguments, and no rule can tie them to the
  # caller. Any local account may read any roster here; fine for a throwaway server.
  "local users: get_roster":
    from:
      - mod_http_api
    who:
      access:
        allow:
          - acl: local
    what:
      - get_roster

modules:
  mod_admin_extra: {}
  mod_blocking: {}
  mod_caps: {}
  mod_carboncopy: {}
  mod_disco: {}
  mod_http_api: {}
  mod_http_upload:
    put_url: ${q(`${httpBase}/upload`)}
    get_url: ${q(`${httpBase}/upload`)}
    docroot: ${q(join(s.dir, "upload"))}
    # Benchmarks upload in bulk; the default 100 MB per file is plenty.
    max_size: 104857600
  mod_last: {}
  # MAM (XEP-0313) like MongooseIM's defaults: archive every chat by default. Mnesia
  # backend: ejabberd warns about its 2 GB limit, irrelevant for a throwaway server.
  mod_mam:
    default: always
  mod_muc:
    host: ${q(`muc.${s.domain}`)}
    access_create: all
    # Benchmarks keep many rooms per user.
    max_user_conferences: 10000
    default_room_options:
      mam: true
      # MongooseIM's defaults: rooms are public, not persistent.
      public: true
      persistent: false
  mod_muc_admin: {}
  mod_offline:
    access_max_user_messages: max_user_offline_messages
  mod_ping: {}
  # mod_blocking is built on it.
  mod_privacy: {}
  mod_private: {}
  # PEP (XEP-0163) is mod_pubsub's pep plugin.
  mod_pubsub:
    plugins:
      - flat
      - pep
  # In-band registration (XEP-0077) is how createUser() works. No mod_fail2ban anywhere:
  # it bans 127.0.0.1 after a few failed logins, which tests do on purpose.
  mod_register:
    ip_access: all
    access: all
  mod_roster:
    versioning: true
  # Stays on like a production server; pooled sessions do not enable it (see DESIGN.md).
  mod_stream_mgmt: {}
  mod_time: {}
  mod_vcard:
    search: false
  mod_version: {}
`;
}

// ---------------------------------------------------------------------------------------
// Installation and the account the VM runs as

function findInstallation(): Installation | null {
  const erl = findExecutable("erl");
  if (!erl) return null;
  const candidates: string[] = [];
  for (const ctl of EJABBERDCTL_CANDIDATES) {
    try {
      const match = /^ERL_LIBS='([^']+)'/m.exec(readFileSync(ctl, "utf8"));
      if (match?.[1]) candidates.push(match[1]);
    } catch {
      // not here
    }
  }
  // Debian puts ejabberd under /usr/lib/<multiarch>/; other builds into OTP's lib dir.
  for (const base of ["/usr/lib", "/usr/local/lib"]) {
    for (const entry of safeReaddir(base)) candidates.push(join(base, entry));
  }
  candidates.push("/usr/lib/erlang/lib", "/usr/local/lib/erlang/lib");
  for (const libs of candidates) {
    const hasEjabberd = safeReaddir(libs).some((e) => /^ejabberd-\d/.test(e) && exists(join(libs, e, "ebin", "ejabberd.app")));
    if (hasEjabberd) return { erl, erlLibs: libs };
  }
  return null;
}

/**
 * When we are root, the VM runs as the package's `ejabberd` account (like `ejabberdctl`
 * does), never as root; otherwise as ourselves.
 */
function serviceAccount(): Account | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return null;
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("ejabberd:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error("running as root but there is no `ejabberd` account to run the server as (is Debian's ejabberd package installed?)");
  }
  return { name: "ejabberd", uid: Number(uid), gid: Number(gid) };
}

/** The VM, running as `account`, must be able to walk down to `dir` (which we chown to it). */
function assertReachable(dir: string, account: Account): void {
  for (let d = dirname(dir); ; d = dirname(d)) {
    const st = statSync(d);
    const mode = st.uid === account.uid ? st.mode >> 6 : st.gid === account.gid ? st.mode >> 3 : st.mode;
    if ((mode & 0o1) === 0) {
      throw new Error(
        `the ${account.name} account cannot traverse ${d} to reach ${dir}; ` +
          `point TMPDIR at a directory every user can reach (e.g. TMPDIR=/tmp)`,
      );
    }
    if (d === dirname(d)) return;
  }
}

async function chownTree(path: string, account: Account): Promise<void> {
  await chown(path, account.uid, account.gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, account);
    else await chown(child, account.uid, account.gid);
  }
}

// ---------------------------------------------------------------------------------------
// In-band registration over a raw stream (RFC 6120 §4, XEP-0077 §3.1)

type IbrResult = { ok: true } | { ok: false; condition: string; text?: string };

/**
 * Opens one unauthenticated c2s stream and pipelines a registration IQ per account on it.
 * Resolves with one result per account; rejects only when the stream itself fails.
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
      throw new Error("the server does not offer in-band registration (is mod_register loaded?)");
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
      else if (el.attrs.type === "error") {
        byId.set(el.attrs.id, { ok: false, condition: el.errorCondition ?? "unknown", text: el.errorText });
      }
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
// Process-exit safety net: no ejabberd outlives the node process that started it.

const live = new Set<Sandbox>();
let hooksInstalled = false;
/** Marks this module's signal fallback so that it can tell other listeners from its peers. */
const FALLBACK = Symbol.for("xmpp-graphql.sandbox-signal-fallback");

function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", () => {
    for (const s of live) s.killNowAndClean();
  });
  // 'exit' does not fire when a signal's default action kills node: clean up, then re-raise
  // the signal — unless a real handler (like a CLI's) decides when to exit. The Prosody
  // sandbox installs the same kind of fallback (a function named `onSignal`) that stands
  // aside whenever another listener exists, ours included; so fallbacks do not count as
  // real handlers here, and the re-raised signal lets Prosody's clean up in its turn.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      const others = process.listeners(signal).filter((l) => l !== onSignal);
      if (others.some((l) => !isSignalFallback(l))) return;
      for (const s of live) s.killNowAndClean();
      live.clear();
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    Object.defineProperty(onSignal, FALLBACK, { value: true });
    process.on(signal, onSignal);
  }
}

function isSignalFallback(listener: (...args: never[]) => unknown): boolean {
  return (listener as unknown as Record<symbol, unknown>)[FALLBACK] === true || listener.name === "onSignal";
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

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function exists(path: string): boolean {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
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

