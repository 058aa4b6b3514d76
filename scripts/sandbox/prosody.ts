/**
 * A throwaway Prosody for `npm run dev`, integration tests and benchmarks.
 *
 * Each call to {@link startProsody} writes a config into a fresh temp dir, picks free
 * loopback ports, runs `prosody -F` as a child process and waits until c2s answers a
 * stream header. Users are created by in-band registration (XEP-0077) over a raw,
 * hand-driven TCP stream: hundreds per second, where `prosodyctl register` boots a Lua VM
 * per user (~40 ms+ each).
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { installDebianPackage } from "./debian-package.js";
import { readLogTail, SandboxProcess } from "./process-hooks.js";
import {
  parseSaslProfile, prosodySaslModules, prosodySaslSettings, writeSelfSignedCertificate, type SandboxCertificate, type SaslProfile,
} from "./sasl-profile.js";
import {
  LOOPBACK,
  findExecutable,
  freePorts,
  newAccount,
  newAccounts,
  registerInBand,
  registeredAccounts,
  type RegistrationRequest,
} from "./xmpp-wire.js";

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
  /** Which server this sandbox runs (both sandboxes share this interface). */
  readonly kind: "prosody" | "ejabberd";
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
  /** The certificate a client must trust, when the server offers STARTTLS (SASL profile `plain-tls`). */
  tlsCaFile?: string;
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
  /** Global modules to leave out (e.g. `["mam"]` for a server without an archive), for fault tests. */
  withoutModules?: string[];
  /** What login the server offers (see sasl-profile.ts); `scram-sha-1` by default. */
  sasl?: SaslProfile;
}

const HOST = LOOPBACK;
const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 4_000;
/** Longest silence while waiting for a registration reply (Prosody hashes ~3-4 ms per account). */
const IBR_IDLE_TIMEOUT_MS = 10_000;
const LOG_LEVELS = new Set(["debug", "info", "warn", "error"]);

/**
 * Makes sure a `prosody` binary is available. When it is missing and we are root, installs
 * Debian's package (`apt-get install -y prosody`, after `apt-get update` if the first try
 * fails). Throws an Error naming the package to install when it cannot.
 */
export async function ensureProsodyInstalled(): Promise<void> {
  if (findExecutable("prosody")) return;
  await installDebianPackage(
    "prosody",
    "Prosody is not installed. Install Debian's package: `sudo apt-get install -y prosody` " +
      "(the sandbox needs /usr/bin/prosody and /usr/bin/prosodyctl, version 0.12).",
  );
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
    const sasl = parseSaslProfile(opts.sasl);
    const cert = sasl === "plain-tls" ? await writeSelfSignedCertificate(dir, domain) : undefined;
    const sandbox = new Sandbox({ domain, dir, c2sPort: c2sPort!, httpPort: httpPort!, logLevel, withoutModules: opts.withoutModules ?? [], sasl, cert });
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
  withoutModules: string[];
  sasl: SaslProfile;
  cert: SandboxCertificate | undefined;
}

class Sandbox implements ProsodySandbox {
  readonly kind = "prosody" as const;
  readonly domain: string;
  readonly mucDomain: string;
  readonly uploadDomain: string;
  readonly host = HOST;
  readonly c2sPort: number;
  readonly httpPort: number;
  readonly service: string;
  readonly dir: string;
  readonly tlsCaFile: string | undefined;
  private readonly logLevel: string;
  private readonly withoutModules: readonly string[];
  private readonly sasl: SaslProfile;
  private readonly cert: SandboxCertificate | undefined;
  /** The server process across restarts, and the temp dir; what the process-exit hooks kill. */
  private readonly proc: SandboxProcess;

  constructor(s: SandboxSettings) {
    this.domain = s.domain;
    this.mucDomain = `muc.${s.domain}`;
    this.uploadDomain = `upload.${s.domain}`;
    this.c2sPort = s.c2sPort;
    this.httpPort = s.httpPort;
    this.service = `xmpp://${HOST}:${s.c2sPort}`;
    this.dir = s.dir;
    this.proc = new SandboxProcess(s.dir, STOP_GRACE_MS);
    this.logLevel = s.logLevel;
    this.withoutModules = s.withoutModules;
    this.sasl = s.sasl;
    this.cert = s.cert;
    this.tlsCaFile = s.cert?.certFile;
  }

  get configPath(): string {
    return join(this.dir, "prosody.cfg.lua");
  }

  async writeConfig(): Promise<void> {
    await mkdir(join(this.dir, "data"), { recursive: true });
    // An empty certificate dir: Prosody indexes `certificates` at startup and would log
    // errors about the system-wide /etc/prosody/certs otherwise. No listener uses TLS.
    await mkdir(join(this.dir, "certs"), { recursive: true });
    let config = renderConfig(this, this.logLevel);
    // Entries of the global modules_enabled list look like `"name";`; component lists do not.
    for (const module of this.withoutModules) config = config.replaceAll(`"${module}";`, "");
    // The SASL profile: its modules move from modules_disabled to modules_enabled, and its
    // settings go last in the global section, so that they win.
    for (const module of prosodySaslModules(this.sasl)) {
      config = config.replace(`"${module}"; `, "").replace(`"http";\n}`, `"http"; "${module}";\n}`);
    }
    config = config.replace("\nVirtualHost ", `\n${prosodySaslSettings(this.sasl, this.cert)}\nVirtualHost `);
    await writeFile(this.configPath, config);
  }

  async launch(): Promise<void> {
    if (this.proc.stopped) throw new Error("this Prosody sandbox was stopped; start a new one");
    const prosody = findExecutable("prosody") ?? "/usr/bin/prosody";
    // `-F`: stay in the foreground as our child (see `daemonize = false` in the config).
    this.proc.spawn(prosody, ["--config", this.configPath, "-F"], { cwd: this.dir });
    await this.proc.untilListening(this, { serverName: "Prosody", timeoutMs: READY_TIMEOUT_MS, logTail: () => this.logTail() });
  }

  async createUser(username?: string, password?: string): Promise<SandboxUser> {
    return (await this.register([newAccount(username, password)]))[0]!;
  }

  async createUsers(n: number, prefix = "user"): Promise<SandboxUser[]> {
    return this.register(newAccounts(n, prefix));
  }

  private async register(wanted: RegistrationRequest[]): Promise<SandboxUser[]> {
    if (wanted.length === 0) return [];
    // A stream that fails as a whole counts as a refusal of every account, so that each
    // still gets its `prosodyctl register` fallback.
    const results = await registerInBand(HOST, this.c2sPort, this.domain, wanted, {
      idleTimeoutMs: IBR_IDLE_TIMEOUT_MS,
      missingFeatureHint: "is allow_registration on?",
    }).catch((err: Error) => wanted.map(() => ({ ok: false as const, condition: "stream", text: err.message })));
    return registeredAccounts(this.domain, wanted, results, async ({ username, password, jid }, reason) => {
      try {
        await this.registerWithProsodyctl(username, password);
      } catch (err) {
        throw new Error(
          `cannot create ${jid}: in-band registration failed (${reason}) ` +
            `and so did \`prosodyctl register\` (${(err as Error).message.trim()}).\n${await this.logTail()}`,
        );
      }
    });
  }

  private async registerWithProsodyctl(username: string, password: string): Promise<void> {
    const prosodyctl = findExecutable("prosodyctl") ?? "/usr/bin/prosodyctl";
    await execFileAsync(prosodyctl, ["--config", this.configPath, "register", username, this.domain, password], {
      cwd: this.dir,
      timeout: 15_000,
    });
  }

  async stop(): Promise<void> {
    await this.proc.stop();
  }

  async kill(): Promise<void> {
    await this.proc.kill();
  }

  async restart(): Promise<void> {
    // After stop() there is no process to terminate, and launch() refuses.
    await this.proc.terminate();
    await this.launch();
  }

  /** Last lines of Prosody's log and console output, for error messages. */
  logTail(lines = 30): Promise<string> {
    return readLogTail(this.dir, ["prosody.log", "console.log"], lines);
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
