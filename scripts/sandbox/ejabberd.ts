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
import { accessSync, readdirSync, readFileSync, statSync } from "node:fs";
import { chown, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { ejabberdSaslSettings, parseSaslProfile, writeSelfSignedCertificate, type SandboxCertificate, type SaslProfile } from "./sasl-profile.js";
import { installDebianPackage, stopSystemService } from "./debian-package.js";
import { readLogTail, SandboxProcess } from "./process-hooks.js";
import type { ProsodySandbox, SandboxUser } from "./prosody.js";
import {
  LOOPBACK,
  findExecutable,
  freePorts,
  newAccount,
  newAccounts,
  randomHex,
  registerInBand,
  registeredAccounts,
  type IbrResult,
  type RegistrationRequest,
} from "./xmpp-wire.js";

export type { SandboxUser } from "./prosody.js";


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
  /** What login the server offers (see sasl-profile.ts); `scram-sha-1` by default. */
  sasl?: SaslProfile;
}

const HOST = LOOPBACK;
const READY_TIMEOUT_MS = 30_000;
/**
 * On SIGTERM the VM runs init:stop() (listeners, sessions, mnesia), which takes ~3 s;
 * SIGKILL only after this.
 */
const STOP_GRACE_MS = 10_000;
/** disk_log's write cache lifetime (2 s) plus a margin; see {@link Sandbox.kill}. */
const MNESIA_WRITE_CACHE_MS = 2_200;
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
  await installDebianPackage(
    "ejabberd",
    "ejabberd is not installed. Install Debian's package: `sudo apt-get install -y ejabberd` " +
      "(the sandbox needs /usr/bin/erl and ejabberd's Erlang libraries, version 23.01).",
  );
  // The postinst starts a system ejabberd where policy-rc.d allows it (5222, 5269, 5280,
  // 5443, 3478, 1883 on all interfaces, plus epmd). The sandbox never uses it; it is ours
  // to stop because we just installed it.
  await stopSystemService("ejabberd");
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
    const sasl = parseSaslProfile(opts.sasl);
    const cert = sasl === "plain-tls" ? await writeSelfSignedCertificate(dir, domain) : undefined;
    const sandbox = new Sandbox({
      sasl,
      cert,
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
  sasl: SaslProfile;
  cert: SandboxCertificate | undefined;
}

class Sandbox implements EjabberdSandbox {
  readonly kind = "ejabberd" as const;
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
  readonly tlsCaFile: string | undefined;
  readonly sasl: SaslProfile;
  readonly cert: SandboxCertificate | undefined;
  private readonly distPort: number;
  private readonly cookie = randomHex(16);
  private readonly logLevel: string;
  private readonly passwordFormat: "scram" | "plain";
  private readonly installation: Installation;
  private readonly runAs: Account | null;
  /** The server process across restarts, and the temp dir; what the process-exit hooks kill. */
  private readonly proc: SandboxProcess;

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
    this.proc = new SandboxProcess(s.dir, STOP_GRACE_MS);
    // Mnesia stamps its schema with the node name: restart() must reuse it to find the data.
    this.node = `ejabberd-${randomHex(4)}@localhost`;
    this.distPort = s.distPort;
    this.logLevel = s.logLevel;
    this.passwordFormat = s.passwordFormat;
    this.installation = s.installation;
    this.runAs = s.runAs;
    this.sasl = s.sasl;
    this.cert = s.cert;
    this.tlsCaFile = s.cert?.certFile;
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
    if (this.proc.stopped) throw new Error("this ejabberd sandbox was stopped; start a new one");
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
    // `erl` execs erlexec, which execs beam.smp: the child's pid is the VM's pid, so the
    // signals SandboxProcess sends reach the VM itself.
    this.proc.spawn(this.installation.erl, args, {
      cwd: dir,
      env,
      ...(this.runAs ? { uid: this.runAs.uid, gid: this.runAs.gid } : {}),
    });
    await this.proc.untilListening(this, { serverName: "ejabberd", timeoutMs: READY_TIMEOUT_MS, logTail: () => this.logTail() });
  }

  async createUser(username?: string, password?: string): Promise<SandboxUser> {
    return (await this.register([newAccount(username, password)]))[0]!;
  }

  async createUsers(n: number, prefix = "user"): Promise<SandboxUser[]> {
    return this.register(newAccounts(n, prefix));
  }

  private async register(wanted: RegistrationRequest[]): Promise<SandboxUser[]> {
    if (wanted.length === 0) return [];
    let results: IbrResult[];
    try {
      results = await registerInBand(HOST, this.c2sPort, this.domain, wanted, {
        idleTimeoutMs: IBR_IDLE_TIMEOUT_MS,
        missingFeatureHint: "is mod_register loaded?",
      });
    } catch (err) {
      throw new Error(`in-band registration on ${this.service} failed: ${(err as Error).message}\n${await this.logTail()}`);
    }
    // Unlike Prosody's, no CLI fallback: `ejabberdctl register` boots a VM (~0.5 s) per account.
    return registeredAccounts(this.domain, wanted, results, async ({ jid }, reason) => {
      throw new Error(`cannot create ${jid}: in-band registration failed (${reason})`);
    });
  }

  async stop(): Promise<void> {
    await this.proc.stop();
  }

  /**
   * SIGKILL, like a crash, but only once Mnesia's latest writes are on disk: Mnesia logs
   * every transaction through disk_log, which keeps writes in a cache for up to 2 s
   * (kernel's disk_log_1 `?TIMEOUT`) before writing them to LATEST.LOG. A SIGKILL within
   * that window loses them — accounts registered or persistent rooms configured just
   * before — which makes a test that kills right after setting up flaky. The wait models
   * a crash at least {@link MNESIA_WRITE_CACHE_MS} after the last write; what clients see
   * (connections cut without a stream close) is unchanged.
   */
  async kill(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, MNESIA_WRITE_CACHE_MS));
    await this.proc.kill();
  }

  async restart(): Promise<void> {
    // After stop() there is no process to terminate, and launch() refuses.
    await this.proc.terminate();
    await this.launch();
  }

  /** Last lines of ejabberd's logs and console output, for error messages. */
  logTail(lines = 30): Promise<string> {
    return readLogTail(this.dir, ["ejabberd.log", "error.log", "console.log"], lines);
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
    starttls: ${s.sasl === "plain-tls"}
  -
    port: ${s.httpPort}
    ip: ${q(HOST)}
    module: ejabberd_http
    backlog: 1024
    request_handlers:
      /api: mod_http_api
      /upload: mod_http_upload

# Passwords stored as SCRAM (what a production server does); SASL offers SCRAM-SHA-1
# only, like the Prosody sandbox without TLS, unless a SASL profile says otherwise.
auth_method: internal
auth_password_format: ${passwordFormat}
${ejabberdSaslSettings(s.sasl, s.cert)}# Otherwise one registration per IP address per 600 s.
registration_timeout: infinity
# Outgoing s2s as on a real deployment (s2s_access defaults to all): a stanza to another
# domain is tried and bounces with remote-server-not-found when its DNS lookup fails,
# which it does for the tests' reserved names (.example, .invalid). There is no s2s
# listener above, so nothing can connect in. Short timeouts keep a bounce fast where DNS
# does not answer at all; plain TCP, like the c2s listener.
s2s_dns_timeout: 2
s2s_dns_retries: 0
outgoing_s2s_timeout: 2
s2s_use_starttls: false

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
// Small helpers

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
