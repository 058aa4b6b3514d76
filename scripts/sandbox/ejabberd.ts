/**
 * A throwaway ejabberd for integration tests and benchmarks: the second server of the
 * compatibility matrix, with the shape every sandbox has (`./sandbox-base.ts`).
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
import { chown, mkdir, readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { installDebianPackage, stopSystemService } from "./debian-package.js";
import {
  BaseSandbox,
  startInTempDir,
  type SandboxOptions,
  type SandboxPlace,
  type ServerConfig,
  type XmppSandbox,
} from "./sandbox-base.js";
import { certificateFor } from "./sandbox-base.js";
import { ejabberdSaslSettings, parseSaslProfile, type SandboxCertificate, type SaslProfile } from "./sasl-profile.js";
import { findExecutable, randomHex, sleep, type IbrResult, type RegisteredAccount } from "./xmpp-wire.js";

/** A running (or killed, or stopped) throwaway ejabberd: what every sandbox has, plus its REST API. */
export interface EjabberdSandbox extends XmppSandbox {
  readonly kind: "ejabberd";
  /**
   * Port of the HTTP listener serving mod_http_api. The same listener serves the upload
   * PUT/GET URLs, so this equals {@link XmppSandbox.httpPort}.
   */
  apiPort: number;
  /**
   * Base URL of mod_http_api, `http://127.0.0.1:<apiPort>/api`. Commands are
   * `POST <apiUrl>/<command>` with a JSON object of arguments and Basic auth
   * `user@domain:password`; e.g. `get_roster` takes `{"user": "alice", "host": "localhost"}`.
   */
  apiUrl: string;
  /** Erlang node name, `ejabberd-<random>@localhost`; kept across {@link XmppSandbox.restart}. */
  node: string;
}

/** Options for {@link startEjabberd}. */
export interface StartEjabberdOptions extends SandboxOptions {
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

/** disk_log's write cache lifetime (2 s) plus a margin; see {@link Ejabberd.kill}. */
const MNESIA_WRITE_CACHE_MS = 2_200;
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
  const logLevel = LOG_LEVELS[opts.logLevel ?? "info"];
  if (!logLevel) throw new Error(`logLevel must be one of ${Object.keys(LOG_LEVELS).join(", ")}, not ${opts.logLevel}`);
  const passwordFormat = opts.passwordFormat ?? "scram";
  if (passwordFormat !== "scram" && passwordFormat !== "plain") {
    throw new Error(`passwordFormat must be scram or plain, not ${String(passwordFormat)}`);
  }
  const serverConfig = opts.serverConfig ?? {};
  // Checked before anything starts: a bad key would otherwise surface as a YAML error in the log.
  overrideTopLevelKeys("", serverConfig);

  const runAs = serviceAccount();
  const sasl = parseSaslProfile(opts.sasl);
  const settings = { logLevel, passwordFormat, serverConfig, installation, runAs, sasl };
  const domain = opts.domain ?? "localhost";
  return startInTempDir("ejabberd", 3, async (dir, [c2sPort, httpPort, distPort]) => {
    if (runAs) assertReachable(dir, runAs);
    const cert = await certificateFor(sasl, dir, domain);
    return new Ejabberd({ domain, dir, c2sPort: c2sPort!, httpPort: httpPort!, cert }, distPort!, settings);
  });
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

/** ejabberd's own settings, beside where it lives. */
interface EjabberdSettings {
  logLevel: string;
  passwordFormat: "scram" | "plain";
  serverConfig: ServerConfig;
  installation: Installation;
  runAs: Account | null;
  sasl: SaslProfile;
}

class Ejabberd extends BaseSandbox implements EjabberdSandbox {
  readonly kind = "ejabberd" as const;
  readonly apiPort: number;
  readonly apiUrl: string;
  /** Mnesia stamps its schema with the node name: restart() must reuse it to find the data. */
  readonly node = `ejabberd-${randomHex(4)}@localhost`;
  private readonly cookie = randomHex(16);

  constructor(
    place: SandboxPlace,
    /** Erlang distribution listens here, loopback only, instead of registering with epmd. */
    private readonly distPort: number,
    private readonly settings: EjabberdSettings,
  ) {
    super(place, {
      name: "ejabberd",
      // ejabberd boots an Erlang VM and Mnesia: on a loaded 2-core machine that took 54 s once.
      readyTimeoutMs: 90_000,
      // On SIGTERM the VM runs init:stop() (listeners, sessions, mnesia), which takes ~3 s.
      stopGraceMs: 10_000,
      logFiles: ["ejabberd.log", "error.log", "console.log"],
      registrationHint: "is mod_register loaded?",
    });
    this.apiPort = place.httpPort;
    this.apiUrl = `http://${this.host}:${place.httpPort}/api`;
  }

  get configPath(): string {
    return join(this.dir, "ejabberd.yml");
  }

  async writeConfig(): Promise<void> {
    for (const sub of ["database", "upload", "modules", "modules.d"]) await mkdir(join(this.dir, sub), { recursive: true });
    const { logLevel, passwordFormat, serverConfig, runAs } = this.settings;
    await writeFile(this.configPath, overrideTopLevelKeys(renderConfig(this, logLevel, passwordFormat, this.settings.sasl, this.cert), serverConfig));
    // Only for a human debugging a live sandbox:
    //   ejabberdctl --config-dir <dir> --spool <dir>/database --logs <dir> --node <node> status
    // (ERL_DIST_PORT makes the ctl client dial the node's port directly, without epmd).
    await writeFile(
      join(this.dir, "ejabberdctl.cfg"),
      `# Generated by scripts/sandbox/ejabberd.ts; lets ejabberdctl reach this sandbox's node.\n` +
        `ERL_DIST_PORT=${this.distPort}\nERL_OPTIONS="-setcookie ${this.cookie}"\nEJABBERD_BYPASS_WARNINGS=true\n`,
    );
    if (runAs) await chownTree(this.dir, runAs);
  }

  protected spawnServer(): void {
    const dir = this.dir;
    const { installation, runAs } = this.settings;
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
      ERL_LIBS: installation.erlLibs,
      ERL_CRASH_DUMP: join(dir, "erl_crash.dump"),
      ERL_MAX_PORTS: "32000",
      ERL_MAX_ETS_TABLES: "1400",
      CONTRIB_MODULES_PATH: join(dir, "modules"),
      CONTRIB_MODULES_CONF_DIR: join(dir, "modules.d"),
    };
    // `erl` execs erlexec, which execs beam.smp: the child's pid is the VM's pid, so the
    // signals SandboxProcess sends reach the VM itself.
    this.proc.spawn(installation.erl, args, {
      cwd: dir,
      env,
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
  }

  protected async registrationStreamFailed(error: Error): Promise<IbrResult[]> {
    throw new Error(`in-band registration on ${this.service} failed: ${error.message}\n${await this.logTail()}`);
  }

  protected async registrationRefused({ jid }: RegisteredAccount, reason: string): Promise<void> {
    // Unlike Prosody's, no CLI fallback: `ejabberdctl register` boots a VM (~0.5 s) per account.
    throw new Error(`cannot create ${jid}: in-band registration failed (${reason})`);
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
  override async kill(): Promise<void> {
    await sleep(MNESIA_WRITE_CACHE_MS);
    await super.kill();
  }
}

/**
 * `yaml` with the top-level keys of `overrides` replaced (a key's block runs from its
 * `key:` line to the next line that starts in column 0) or, when absent, appended. Values
 * are written as JSON, which YAML reads as flow style. Throws on a key that is not a
 * plain ejabberd option name.
 */
export function overrideTopLevelKeys(yaml: string, overrides: ServerConfig): string {
  const lines = yaml.split("\n");
  for (const [key, value] of Object.entries(overrides)) {
    if (!/^[a-z][a-z0-9_]*$/.test(key)) throw new Error(`serverConfig: ${JSON.stringify(key)} is not an ejabberd option name`);
    const replacement = `${key}: ${JSON.stringify(value)}`;
    const start = lines.findIndex((line) => line.startsWith(`${key}:`));
    if (start < 0) {
      // Before the final empty line of a file that ends in a newline.
      lines.splice(lines.at(-1) === "" ? lines.length - 1 : lines.length, 0, replacement);
      continue;
    }
    let end = start + 1;
    while (end < lines.length && (lines[end] === "" || /^\s/.test(lines[end]!))) end++;
    lines.splice(start, end - start, replacement);
  }
  return lines.join("\n");
}

function renderConfig(s: Ejabberd, logLevel: string, passwordFormat: string, sasl: SaslProfile, cert: SandboxCertificate | undefined): string {
  const q = (v: string) => JSON.stringify(v); // a JSON string is a valid YAML double-quoted scalar
  const httpBase = `http://${s.host}:${s.httpPort}`;
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
    ip: ${q(s.host)}
    module: ejabberd_c2s
    # The listener default is 5: a few dozen parallel logins overflow it and connections
    # stall for a SYN retransmit (1 s, 3 s, …).
    backlog: 1024
    max_stanza_size: 1048576
    # The stock config throttles c2s to 3 000 B/s.
    shaper: none
    access: c2s
    starttls: ${sasl === "plain-tls"}
  -
    port: ${s.httpPort}
    ip: ${q(s.host)}
    module: ejabberd_http
    backlog: 1024
    request_handlers:
      /api: mod_http_api
      /upload: mod_http_upload

# Passwords stored as SCRAM (what a production server does); SASL offers SCRAM-SHA-1
# only, like the Prosody sandbox without TLS, unless a SASL profile says otherwise.
auth_method: internal
auth_password_format: ${passwordFormat}
${ejabberdSaslSettings(sasl, cert)}# Otherwise one registration per IP address per 600 s.
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
