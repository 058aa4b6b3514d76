/**
 * Low-level helpers shared by the sandbox servers (`./prosody.ts`, `./ejabberd.ts`): a
 * hand-driven, unauthenticated c2s stream for in-band registration and readiness probes,
 * plus the sockets, ports and small utilities around it.
 *
 * The raw stream exists because the servers' own CLIs (`prosodyctl register`,
 * `ejabberdctl register`) boot a VM per account; here one stream pipelines every
 * registration IQ, so a batch of thousands is one round trip.
 */
import { randomBytes } from "node:crypto";
import { accessSync, constants as fsConstants } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { delimiter, join } from "node:path";
import { SaxesParser } from "saxes";

// XEP-0077 §3 (registration) over RFC 6120 §4 streams.
const NS_REGISTER = "jabber:iq:register";
const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";

/** Where sandboxes listen; every listener is loopback-only. */
export const LOOPBACK = "127.0.0.1";

/** Connect timeout for the registration stream; the server is local and already answered a probe. */
const IBR_CONNECT_TIMEOUT_MS = 5_000;

// ---------------------------------------------------------------------------------------
// In-band registration over a raw stream (RFC 6120 §4, XEP-0077 §3.1)

/** An account to register. */
export interface RegistrationRequest {
  username: string;
  password: string;
}

/**
 * One account for `createUser(username?, password?)`: the username lowercased (servers
 * nodeprep it anyway, and the returned JID should match), random ones where omitted.
 */
export function newAccount(username?: string, password?: string): RegistrationRequest {
  return { username: (username ?? `user-${randomHex(6)}`).toLowerCase(), password: password ?? randomPassword() };
}

/**
 * `n` accounts for `createUsers(n, prefix)`: `<prefix>-<random batch>-<i>`, random
 * passwords. The batch id keeps names unique across calls and sandbox restarts.
 * Throws unless `n` is a non-negative integer.
 */
export function newAccounts(n: number, prefix = "user"): RegistrationRequest[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`createUsers: n must be a non-negative integer, not ${n}`);
  const batch = randomHex(4);
  return Array.from({ length: n }, (_, i) => ({ username: `${prefix.toLowerCase()}-${batch}-${i}`, password: randomPassword() }));
}

/** The server's answer to one registration IQ: success, or the stanza error's condition and text. */
export type IbrResult = { ok: true } | { ok: false; condition: string; text?: string };

/** How {@link registerInBand} waits and what it says when the server refuses outright. */
export interface RegisterInBandOptions {
  /**
   * Longest silence while waiting for the next reply. An idle timeout, not a total one:
   * a batch of thousands legitimately takes seconds (servers hash each password).
   */
  idleTimeoutMs: number;
  /**
   * Appended in parentheses to the error thrown when `<stream:features/>` lacks
   * `<register/>`: which server setting to check, e.g. `is mod_register loaded?`.
   */
  missingFeatureHint: string;
}

/**
 * Opens one unauthenticated c2s stream to `host:port` and pipelines a registration IQ
 * per account on it. Resolves with one result per account, in the order given; rejects
 * only when the stream itself fails (connect error, timeout, no registration offered).
 */
export async function registerInBand(
  host: string,
  port: number,
  domain: string,
  accounts: readonly RegistrationRequest[],
  opts: RegisterInBandOptions,
): Promise<IbrResult[]> {
  const socket = await openSocket(host, port, IBR_CONNECT_TIMEOUT_MS);
  const stream = new StanzaReader(socket);
  try {
    socket.write(streamHeader(domain));
    const features = await stream.next(opts.idleTimeoutMs);
    if (features.name !== "stream:features") throw new Error(`expected <stream:features/>, got <${features.name}>`);
    if (!features.children.has("register")) {
      throw new Error(`the server does not offer in-band registration (${opts.missingFeatureHint})`);
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
      const el = await stream.next(opts.idleTimeoutMs);
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

/** A registered account: the request plus its bare JID, `username@domain`. */
export interface RegisteredAccount extends RegistrationRequest {
  jid: string;
}

/**
 * Turns {@link registerInBand}'s results for `wanted` into accounts with JIDs, in order.
 * A taken name (`conflict`) throws `cannot create <jid>: the name is taken`: the caller's
 * mistake, not a reason to try another route. Any other refusal goes to `onRefused` with
 * a reason like `not-allowed: text`; it resolves once it has created the account some
 * other way, or throws (its error propagates).
 */
export async function registeredAccounts(
  domain: string,
  wanted: readonly RegistrationRequest[],
  results: readonly IbrResult[],
  onRefused: (account: RegisteredAccount, reason: string) => Promise<void>,
): Promise<RegisteredAccount[]> {
  const accounts: RegisteredAccount[] = [];
  for (const [i, result] of results.entries()) {
    const { username, password } = wanted[i]!;
    const account = { username, password, jid: `${username}@${domain}` };
    if (!result.ok) {
      if (result.condition === "conflict") throw new Error(`cannot create ${account.jid}: the name is taken`);
      await onRefused(account, `${result.condition}${result.text ? `: ${result.text}` : ""}`);
    }
    accounts.push(account);
  }
  return accounts;
}

// ---------------------------------------------------------------------------------------
// Readiness probes

/** Ready check for c2s: connects and waits for the server's stream header. Rejects on timeout. */
export async function probeStream(host: string, port: number, domain: string, timeoutMs: number): Promise<void> {
  const socket = await openSocket(host, port, timeoutMs);
  const stream = new StanzaReader(socket);
  try {
    socket.write(streamHeader(domain));
    await stream.opened(timeoutMs);
  } finally {
    socket.destroy();
  }
}

/** Ready check for a plain TCP listener (e.g. HTTP): resolves once a connection is accepted. */
export async function probeTcp(host: string, port: number, timeoutMs: number): Promise<void> {
  (await openSocket(host, port, timeoutMs)).destroy();
}

/** Where a starting server should answer: the sandboxes' own fields of these names. */
export interface ListeningServer {
  host: string;
  domain: string;
  c2sPort: number;
  /** Checked with {@link probeTcp} after c2s answers. */
  httpPort: number;
}

/** How {@link waitUntilListening} waits for a starting server. */
export interface WaitUntilListeningOptions {
  /** Shown in errors: `Prosody`, `ejabberd`. */
  serverName: string;
  timeoutMs: number;
  /** Non-null once the server process has gone (e.g. `exit code 1`): stop waiting at once. */
  exitInfo: () => string | null;
  /** Log excerpt appended to the error messages. */
  logTail: () => Promise<string>;
  /**
   * Called at the deadline before the error is built (typically: kill the server), so
   * that the log tail in the message includes whatever the server wrote until then.
   */
  onTimeout: () => Promise<void>;
}

/**
 * Polls until c2s answers a stream header and the HTTP port accepts connections.
 * Throws `<server> exited during startup (…)` as soon as `exitInfo()` reports an exit, or
 * `<server> did not answer … within N s` at the deadline, after `onTimeout()`; both
 * messages carry the log tail.
 */
export async function waitUntilListening(server: ListeningServer, o: WaitUntilListeningOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let lastError = "";
  while (Date.now() < deadline) {
    const exitInfo = o.exitInfo();
    if (exitInfo) throw new Error(`${o.serverName} exited during startup (${exitInfo}).\n${await o.logTail()}`);
    try {
      await probeStream(server.host, server.c2sPort, server.domain, 1_000);
      await probeTcp(server.host, server.httpPort, 1_000);
      return;
    } catch (err) {
      lastError = (err as Error).message;
      await sleep(50);
    }
  }
  await o.onTimeout();
  throw new Error(
    `${o.serverName} did not answer on ${server.host}:${server.c2sPort} within ${o.timeoutMs / 1000} s (last error: ${lastError}).\n${await o.logTail()}`,
  );
}

// ---------------------------------------------------------------------------------------
// The stream reader

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
// Sockets and ports

/**
 * Ports the kernel just handed out on `host` (loopback by default). All are held open
 * at once while picking, so that the `count` ports differ from one another.
 */
export async function freePorts(count: number, host = LOOPBACK): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, host, () => resolve());
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

/** A connected TCP socket with Nagle off; rejects on error or after `timeoutMs`. */
export function openSocket(host: string, port: number, timeoutMs: number): Promise<Socket> {
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

// ---------------------------------------------------------------------------------------
// Small helpers

/**
 * Absolute path of an executable named `name` on PATH, or in the usual system dirs
 * (a non-login root shell may lack /usr/sbin, where Debian puts some server binaries).
 */
export function findExecutable(name: string): string | null {
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

/** Escapes text for XML content and for attribute values in either quote style. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `bytes` random bytes as lowercase hex: safe in usernames, node names and cookies. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** A random 16-character base64url password. */
export function randomPassword(): string {
  return randomBytes(12).toString("base64url");
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
