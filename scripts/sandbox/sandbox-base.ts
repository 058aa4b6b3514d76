/**
 * What every sandbox XMPP server has in common, whichever server it runs: the interface
 * tests, the dev script and the benchmarks use ({@link XmppSandbox}), and the skeleton
 * behind it ({@link BaseSandbox}): a temp dir, free loopback ports, one server process
 * started, stopped, killed and restarted through {@link SandboxProcess}, and accounts
 * created by in-band registration over the wire. `./prosody.ts` and `./ejabberd.ts` add
 * only what is their server's own: installation, configuration, how the process starts.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readLogTail, SandboxProcess } from "./process-hooks.js";
import { writeSelfSignedCertificate, type SandboxCertificate, type SaslProfile } from "./sasl-profile.js";
import {
  LOOPBACK,
  freePorts,
  newAccount,
  newAccounts,
  registerInBand,
  registeredAccounts,
  type IbrResult,
  type RegisteredAccount,
  type RegistrationRequest,
} from "./xmpp-wire.js";

/** The servers a sandbox can run. */
export type SandboxKind = "prosody" | "ejabberd";

/** An account on the sandbox server. */
export interface SandboxUser {
  /** Local part, lowercase (servers nodeprep it anyway). */
  username: string;
  password: string;
  /** Bare JID, `username@domain`. */
  jid: string;
}

/** A running (or killed, or stopped) throwaway XMPP server, whichever kind it is. */
export interface XmppSandbox {
  /** Which server this sandbox runs. */
  readonly kind: SandboxKind;
  /** The certificate a client must trust, when the server offers STARTTLS (SASL profile `plain-tls`). */
  readonly tlsCaFile?: string;
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

/**
 * A value in a server's configuration, written in that server's syntax by its sandbox
 * (a Lua value for Prosody, a YAML value for ejabberd).
 */
export type ServerConfigValue = string | number | boolean | readonly ServerConfigValue[] | { readonly [key: string]: ServerConfigValue };

/** Top-level server settings by name: see {@link SandboxOptions.serverConfig}. */
export type ServerConfig = Readonly<Record<string, ServerConfigValue>>;

/** Options every sandbox takes. */
export interface SandboxOptions {
  /** Virtual host name; `localhost` by default. Components become `muc.<domain>` and `upload.<domain>`. */
  domain?: string;
  /** Minimum level of the server's log in the sandbox dir: `debug`, `info` (default), `warn` or `error`. */
  logLevel?: string;
  /**
   * Top-level server settings that replace the sandbox's own of the same name, or are added
   * to them: Prosody's global options (`{ allow_unencrypted_plain_auth: true }`), ejabberd's
   * top-level keys (`{ disable_sasl_mechanisms: [] }`). For tests that need a server set up
   * unlike the default one (other SASL mechanisms, TLS); each sandbox checks the names.
   */
  serverConfig?: ServerConfig;
  /** What login the server offers (see sasl-profile.ts); `scram-sha-1` by default. */
  sasl?: SaslProfile;
}

/** Where a sandbox lives: its virtual host, temp dir and listening ports. */
export interface SandboxPlace {
  domain: string;
  dir: string;
  c2sPort: number;
  httpPort: number;
  /** The self-signed certificate of a server offering STARTTLS, made in `dir`. */
  cert?: SandboxCertificate;
}

/** What the base needs to know about a server to run and describe it. */
export interface ServerTraits {
  /** Shown in errors: `Prosody`, `ejabberd`. */
  name: string;
  /** How long a start may take before it counts as failed. */
  readyTimeoutMs: number;
  /** How long a SIGTERM-ed server may take to exit before SIGKILL. */
  stopGraceMs: number;
  /** Files in the sandbox dir whose tails explain a failure, most telling first. */
  logFiles: readonly string[];
  /** Which server setting to check when registration is not offered, e.g. `is mod_register loaded?`. */
  registrationHint: string;
}

/** Longest silence while waiting for a registration reply (servers hash each password). */
const IBR_IDLE_TIMEOUT_MS = 10_000;

/**
 * The skeleton both sandboxes share. A subclass writes its server's configuration,
 * spawns the server through {@link proc}, and says what to do when in-band registration
 * fails; lifecycle, account creation and error reporting are here.
 */
export abstract class BaseSandbox implements XmppSandbox {
  abstract readonly kind: SandboxKind;
  readonly domain: string;
  readonly mucDomain: string;
  readonly uploadDomain: string;
  readonly host = LOOPBACK;
  readonly c2sPort: number;
  readonly httpPort: number;
  readonly service: string;
  readonly dir: string;
  readonly tlsCaFile: string | undefined;
  protected readonly cert: SandboxCertificate | undefined;
  /** The server process across restarts, and the temp dir; what the process-exit hooks kill. */
  protected readonly proc: SandboxProcess;

  constructor(
    place: SandboxPlace,
    protected readonly traits: ServerTraits,
  ) {
    this.domain = place.domain;
    this.mucDomain = `muc.${place.domain}`;
    this.uploadDomain = `upload.${place.domain}`;
    this.c2sPort = place.c2sPort;
    this.httpPort = place.httpPort;
    this.service = `xmpp://${LOOPBACK}:${place.c2sPort}`;
    this.dir = place.dir;
    this.cert = place.cert;
    this.tlsCaFile = place.cert?.certFile;
    this.proc = new SandboxProcess(place.dir, traits.stopGraceMs);
  }

  /** Writes the server's configuration into {@link dir}; called once, before the first launch. */
  abstract writeConfig(): Promise<void>;

  /** Spawns the server process with {@link proc}`.spawn` (the base waits for it to listen). */
  protected abstract spawnServer(): void;

  /**
   * What a failed registration stream (connect error, timeout, no registration offered)
   * means: results to go on with (e.g. a refusal per account, so that each gets a fallback),
   * or an error thrown.
   */
  protected abstract registrationStreamFailed(error: Error, wanted: readonly RegistrationRequest[]): Promise<IbrResult[]>;

  /**
   * The server refused one account for another reason than a taken name: create it some
   * other way, or throw saying why not.
   */
  protected abstract registrationRefused(account: RegisteredAccount, reason: string): Promise<void>;

  /**
   * Starts the server and resolves once it answers on c2s and HTTP; throws as soon as it
   * exits, or after the server's ready timeout, with its log tail in the message.
   */
  async launch(): Promise<void> {
    if (this.proc.stopped) throw new Error(`this ${this.traits.name} sandbox was stopped; start a new one`);
    this.spawnServer();
    await this.proc.untilListening(this, {
      serverName: this.traits.name,
      timeoutMs: this.traits.readyTimeoutMs,
      logTail: () => this.logTail(),
    });
  }

  async createUser(username?: string, password?: string): Promise<SandboxUser> {
    return (await this.register([newAccount(username, password)]))[0]!;
  }

  async createUsers(n: number, prefix = "user"): Promise<SandboxUser[]> {
    return this.register(newAccounts(n, prefix));
  }

  private async register(wanted: RegistrationRequest[]): Promise<SandboxUser[]> {
    if (wanted.length === 0) return [];
    const results = await registerInBand(this.host, this.c2sPort, this.domain, wanted, {
      idleTimeoutMs: IBR_IDLE_TIMEOUT_MS,
      missingFeatureHint: this.traits.registrationHint,
    }).catch((error: Error) => this.registrationStreamFailed(error, wanted));
    return registeredAccounts(this.domain, wanted, results, (account, reason) => this.registrationRefused(account, reason));
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

  /** Last lines of the server's logs and console output, for error messages. */
  logTail(lines = 30): Promise<string> {
    return readLogTail(this.dir, this.traits.logFiles, lines);
  }
}

/** The certificate a SASL profile needs in `dir`: one for `plain-tls`, none otherwise. */
export async function certificateFor(sasl: SaslProfile, dir: string, domain: string): Promise<SandboxCertificate | undefined> {
  return sasl === "plain-tls" ? writeSelfSignedCertificate(dir, domain) : undefined;
}

/**
 * Makes a fresh temp dir (`xmpp-graphql-<kind>-…`) and `portCount` free loopback ports,
 * builds the sandbox with `create`, writes its configuration and launches it. Whatever
 * fails on the way (including `create`), the dir is removed and the error rethrown.
 */
export async function startInTempDir<S extends BaseSandbox>(
  kind: SandboxKind,
  portCount: number,
  create: (dir: string, ports: number[]) => S | Promise<S>,
): Promise<S> {
  const dir = await mkdtemp(join(tmpdir(), `xmpp-graphql-${kind}-`));
  try {
    const sandbox = await create(dir, await freePorts(portCount));
    await sandbox.writeConfig();
    await sandbox.launch();
    return sandbox;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
