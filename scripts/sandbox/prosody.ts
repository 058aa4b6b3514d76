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
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { installDebianPackage } from "./debian-package.js";
import {
  BaseSandbox,
  startInTempDir,
  type SandboxOptions,
  type SandboxPlace,
  type ServerConfig,
  type ServerConfigValue,
  type XmppSandbox,
} from "./sandbox-base.js";
import { certificateFor } from "./sandbox-base.js";
import { parseSaslProfile, prosodySaslModules, prosodySaslSettings, type SaslProfile } from "./sasl-profile.js";
import { findExecutable, type IbrResult, type RegisteredAccount, type RegistrationRequest } from "./xmpp-wire.js";

const execFileAsync = promisify(execFile);

/** Options for {@link startProsody}. */
export interface StartProsodyOptions extends SandboxOptions {
  /** Global modules to leave out (e.g. `["mam"]` for a server without an archive), for fault tests. */
  withoutModules?: string[];
  /**
   * Where Prosody keeps its data: `internal` files (default), or `sql` in an SQLite
   * database, as production servers with large archives do — the internal store reads a
   * user's whole archive (or whole private storage) file on every query of it. Installs
   * Debian's `lua-dbi-sqlite3` when missing and root.
   */
  storage?: "internal" | "sql";
}

/** Prosody's settings that keep every store in SQLite (data_path/prosody.sqlite). */
const SQL_STORAGE_CONFIG: ServerConfig = {
  storage: "sql",
  sql: { driver: "SQLite3", database: "prosody.sqlite" },
};

/** Makes sure Prosody's SQLite driver (LuaDBI) is there, installing it when root. */
async function ensureSqliteDriver(): Promise<void> {
  const present = () => ["5.4", "5.3", "5.2", "5.1"].some((v) => existsSync(`/usr/lib/x86_64-linux-gnu/lua/${v}/dbd/sqlite3.so`) || existsSync(`/usr/lib/aarch64-linux-gnu/lua/${v}/dbd/sqlite3.so`));
  if (present()) return;
  await installDebianPackage("lua-dbi-sqlite3", "Prosody's SQL storage needs LuaDBI for SQLite: `sudo apt-get install -y lua-dbi-sqlite3`.");
}

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
export async function startProsody(opts: StartProsodyOptions = {}): Promise<XmppSandbox> {
  await ensureProsodyInstalled();
  const logLevel = opts.logLevel ?? "info";
  if (!LOG_LEVELS.has(logLevel)) throw new Error(`logLevel must be one of ${[...LOG_LEVELS].join(", ")}, not ${logLevel}`);
  if (opts.storage === "sql") await ensureSqliteDriver();
  const serverConfig = { ...(opts.storage === "sql" ? SQL_STORAGE_CONFIG : {}), ...opts.serverConfig };
  // Checked before anything starts: a bad name would otherwise surface as a Lua syntax error in the log.
  renderLuaGlobals(serverConfig);
  const settings = { logLevel, withoutModules: opts.withoutModules ?? [], serverConfig };
  const sasl = parseSaslProfile(opts.sasl);
  const domain = opts.domain ?? "localhost";
  return startInTempDir("prosody", 2, async (dir, [c2sPort, httpPort]) =>
    new Prosody({ domain, dir, c2sPort: c2sPort!, httpPort: httpPort!, cert: await certificateFor(sasl, dir, domain) }, { ...settings, sasl }),
  );
}

/** Prosody's own settings, beside where it lives. */
interface ProsodySettings {
  logLevel: string;
  withoutModules: readonly string[];
  serverConfig: ServerConfig;
  sasl: SaslProfile;
}

class Prosody extends BaseSandbox {
  readonly kind = "prosody" as const;

  constructor(
    place: SandboxPlace,
    private readonly settings: ProsodySettings,
  ) {
    super(place, {
      name: "Prosody",
      readyTimeoutMs: 15_000,
      stopGraceMs: 4_000,
      logFiles: ["prosody.log", "console.log"],
      registrationHint: "is allow_registration on?",
    });
  }

  get configPath(): string {
    return join(this.dir, "prosody.cfg.lua");
  }

  async writeConfig(): Promise<void> {
    await mkdir(join(this.dir, "data"), { recursive: true });
    // An empty certificate dir: Prosody indexes `certificates` at startup and would log
    // errors about the system-wide /etc/prosody/certs otherwise. No listener uses TLS.
    await mkdir(join(this.dir, "certs"), { recursive: true });
    let config = renderConfig(this, this.settings.logLevel);
    // Entries of the global modules_enabled list look like `"name";`; component lists do not.
    for (const module of this.settings.withoutModules) config = config.replaceAll(`"${module}";`, "");
    // The SASL profile: its modules move from modules_disabled to modules_enabled, and its
    // settings go last in the global section, so that they win.
    for (const module of prosodySaslModules(this.settings.sasl)) {
      config = config.replace(`"${module}"; `, "").replace(`"http";\n}`, `"http"; "${module}";\n}`);
    }
    config = config.replace("\nVirtualHost ", `\n${prosodySaslSettings(this.settings.sasl, this.cert)}\nVirtualHost `);
    // Global options end where the first host section starts.
    const globalsEnd = config.indexOf("\nVirtualHost ");
    const overrides = renderLuaGlobals(this.settings.serverConfig);
    if (overrides) config = `${config.slice(0, globalsEnd)}\n-- serverConfig overrides\n${overrides}${config.slice(globalsEnd)}`;
    await writeFile(this.configPath, config);
  }

  protected spawnServer(): void {
    const prosody = findExecutable("prosody") ?? "/usr/bin/prosody";
    // `-F`: stay in the foreground as our child (see `daemonize = false` in the config).
    this.proc.spawn(prosody, ["--config", this.configPath, "-F"], { cwd: this.dir });
  }

  protected async registrationStreamFailed(error: Error, wanted: readonly RegistrationRequest[]): Promise<IbrResult[]> {
    // A stream that fails as a whole counts as a refusal of every account, so that each
    // still gets its `prosodyctl register` fallback.
    return wanted.map(() => ({ ok: false as const, condition: "stream", text: error.message }));
  }

  protected async registrationRefused({ username, password, jid }: RegisteredAccount, reason: string): Promise<void> {
    // `prosodyctl register` boots a Lua VM per account (~40 ms+): only a fallback.
    const prosodyctl = findExecutable("prosodyctl") ?? "/usr/bin/prosodyctl";
    try {
      await execFileAsync(prosodyctl, ["--config", this.configPath, "register", username, this.domain, password], {
        cwd: this.dir,
        timeout: 15_000,
      });
    } catch (err) {
      throw new Error(
        `cannot create ${jid}: in-band registration failed (${reason}) ` +
          `and so did \`prosodyctl register\` (${(err as Error).message.trim()}).\n${await this.logTail()}`,
      );
    }
  }
}

/**
 * Lua assignments of global options, one a line: a later assignment of a global replaces
 * an earlier one, so these, written after the sandbox's own, override them.
 * Throws on a name that is not a Lua identifier.
 */
export function renderLuaGlobals(config: ServerConfig): string {
  return Object.entries(config)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`serverConfig: ${JSON.stringify(name)} is not a Prosody option name`);
      return `${name} = ${luaValue(value)}\n`;
    })
    .join("");
}

/** A JSON-like value as a Lua expression: arrays become sequences, objects tables with string keys. */
function luaValue(value: ServerConfigValue): string {
  // JSON string escapes are valid Lua string escapes.
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `{ ${value.map((v) => `${luaValue(v)};`).join(" ")} }`;
  const entries = Object.entries(value as Record<string, ServerConfigValue>);
  return `{ ${entries.map(([k, v]) => `[${JSON.stringify(k)}] = ${luaValue(v)};`).join(" ")} }`;
}

function renderConfig(s: Prosody, logLevel: string): string {
  const q = (v: string) => JSON.stringify(v); // JSON string escapes are valid Lua string escapes
  const httpBase = `http://${s.host}:${s.httpPort}/`;
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
interfaces = { ${q(s.host)} }
local_interfaces = { ${q(s.host)} }
c2s_ports = { ${s.c2sPort} }
c2s_direct_tls_ports = {}
legacy_ssl_ports = {}
s2s_ports = {}
s2s_direct_tls_ports = {}
component_ports = {}
http_ports = { ${s.httpPort} }
http_interfaces = { ${q(s.host)} }
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
http_default_host = ${q(s.host)}

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
  http_host = ${q(s.host)}
  http_external_url = ${q(httpBase)}
  -- The default quota (100 MB a day per user) would fail upload benchmarks part-way.
  http_file_share_daily_quota = 1024 * 1024 * 1024
`;
}
