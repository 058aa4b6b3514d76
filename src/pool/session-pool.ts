import { createHmac, randomBytes } from "node:crypto";
import { ApiError } from "../errors/api-error.js";
import { XmppAuthError } from "../xmpp/errors.js";
import type { XmppSession } from "../xmpp/session.js";
import type { ScramKeys } from "../xmpp/scram.js";

/** What proves a request's identity to XMPP: a password, or SCRAM keys from a token. */
export type PoolCredential = { password: string } | { keys: ScramKeys };

/** Opens a logged-in session for an account; rejects with XmppAuthError on bad credentials. */
export type SessionOpener = (login: { username: string } & PoolCredential) => Promise<XmppSession>;

/**
 * Proves credentials against the server without opening a session. `keys` (with a password)
 * are the SCRAM keys last derived from it, which spare PBKDF2 while the salt is unchanged.
 * @returns the SCRAM keys that worked (undefined after PLAIN).
 * @throws XmppAuthError when the server refuses them.
 */
export type CredentialProver = (login: { username: string; password?: string; keys?: ScramKeys }) => Promise<ScramKeys | undefined>;

/** Logins the pool made, for tests and benchmarks that bound their cost. */
export interface PoolCounters {
  /** Sessions opened (full logins with resource binding). */
  logins: number;
  /** Credentials proven again after {@link SessionPoolOptions.recheckMs} (SASL only). */
  reproofs: number;
}

export interface SessionPoolOptions {
  maxSessions: number;
  idleTimeoutMs: number;
  open: SessionOpener;
  /**
   * How long a login's proof of a credential is trusted. The first request after that
   * proves it against the server again; if the server refuses (the password was changed
   * elsewhere), the session is closed and the request refused.
   */
  recheckMs: number;
  prove: CredentialProver;
  /** How often idle sessions are looked for; defaults to a quarter of the idle timeout. */
  sweepIntervalMs?: number;
  /** Called with every session the pool takes in (e.g. to restore state after a reconnect). */
  onOpened?: (session: XmppSession) => void;
}

/** When a credential was last proven by the server, and the SCRAM keys that proved it. */
interface Proof {
  provenAt: number;
  keys: ScramKeys | undefined;
  /** The re-proof under way, which concurrent requests share. */
  pending?: Promise<void>;
}

interface Entry {
  bareJid: string;
  /**
   * Proofs of the credentials proven against this session's account by a login, by HMAC
   * of the credential: later requests with one of them are checked without logging in
   * again, until the proof is older than the recheck bound.
   */
  verifiers: Map<string, Proof>;
  session: XmppSession;
  lastUsed: number;
  pins: number;
}

/**
 * One logged-in XMPP session per user, shared by all of that user's requests and
 * subscriptions (DESIGN.md "The session pool").
 *
 * - Every request's credential (password or token keys) is checked: against the HMACs of
 *   credentials already proven by a login (cheap), or, when it is new, by a fresh login;
 *   a wrong one never reaches an existing session. A proof is trusted for `recheckMs`;
 *   then one SASL exchange on a fresh connection (shared by concurrent requests) proves
 *   the credential again, and a refusal closes the session: a password changed elsewhere
 *   stops working within that bound even on servers that keep old sessions open. A right new one replaces the session
 *   (after a password change elsewhere), unless a subscription pins it: then the new
 *   credential is added to it and the extra login closed.
 * - Logins of one user are serialised; different users log in concurrently.
 * - Sessions unused for `idleTimeoutMs` and not pinned by a subscription are closed; at
 *   `maxSessions`, the least recently used unpinned session makes room (the Map keeps
 *   entries in recency order, so both are cheap).
 */
export class SessionPool {
  private readonly entries = new Map<string, Entry>();
  private readonly logins = new Map<string, Promise<unknown>>();
  private readonly verifierKey = randomBytes(32);
  private readonly sweeper: NodeJS.Timeout;
  private closing = false;
  readonly counters: PoolCounters = { logins: 0, reproofs: 0 };

  constructor(private readonly options: SessionPoolOptions) {
    const interval = options.sweepIntervalMs ?? Math.max(1000, Math.floor(options.idleTimeoutMs / 4));
    this.sweeper = setInterval(() => this.closeIdle(), interval);
    this.sweeper.unref();
  }

  /** Whether a login already proved this credential for the user's open session (no login needed). */
  isProven(bareJid: string, credential: PoolCredential): boolean {
    const entry = this.entries.get(bareJid);
    return entry !== undefined && entry.session.isOpen && entry.verifiers.has(this.verifierOf(credential));
  }

  /** Whether the user has a session in the pool. */
  has(bareJid: string): boolean {
    return this.entries.has(bareJid);
  }

  /** Number of open sessions. */
  get size(): number {
    return this.entries.size;
  }

  /** Number of sessions held by a live subscription (metrics). */
  get pinnedSize(): number {
    let pinned = 0;
    for (const entry of this.entries.values()) if (entry.pins > 0) pinned++;
    return pinned;
  }

  /**
   * Returns the user's session after checking the password, logging in when needed.
   * @throws XmppAuthError for wrong credentials, XmppConnectionError when the server is
   *         unreachable, ApiError `pool_exhausted` when every slot is pinned.
   */
  async session(bareJid: string, username: string, credential: PoolCredential): Promise<XmppSession> {
    if (this.closing) throw new ApiError("service_unavailable", "The gateway is shutting down", {}, 503);
    const verifier = this.verifierOf(credential);
    const current = this.entries.get(bareJid);
    if (current && current.session.isOpen && current.verifiers.has(verifier)) {
      return this.useProven(current, verifier, username, credential);
    }
    return this.serialised(bareJid, async () => {
      // Another request may have proven the same credential while we waited.
      const again = this.entries.get(bareJid);
      if (again && again.session.isOpen && again.verifiers.has(verifier)) {
        return this.useProven(again, verifier, username, credential);
      }
      // Make room before logging in, so a full pool refuses without a wasted login.
      if (!this.entries.has(bareJid)) this.makeRoom();
      this.counters.logins++;
      const session = await this.options.open({ username, ...credential });
      if (again && again.session.isOpen && again.pins > 0) {
        // Keep the subscribed session; the login only proved the credential.
        again.verifiers.set(verifier, { provenAt: Date.now(), keys: session.keys });
        this.touch(again);
        void session.close();
        return again.session;
      }
      this.store(bareJid, verifier, session);
      return session;
    });
  }

  /**
   * A stand-in for a password the pool has proven, that holds no password: the SCRAM keys
   * that proved it, registered as proven with the same proof (the same recheck bound), so
   * that a subscription or connection living on after its login keeps no plaintext
   * (DESIGN.md: never longer than the login) and still logs in again if it must. Returns
   * `credential` itself when there are no keys (the server took PLAIN) or it is not proven.
   */
  sealed(bareJid: string, credential: PoolCredential): PoolCredential {
    if (!("password" in credential)) return credential;
    const entry = this.entries.get(bareJid);
    const proof = entry?.verifiers.get(this.verifierOf(credential));
    if (!entry || !proof?.keys) return credential;
    const keys: PoolCredential = { keys: proof.keys };
    entry.verifiers.set(this.verifierOf(keys), proof);
    return keys;
  }

  /**
   * Keeps the user's session from idle closing and eviction until the returned function
   * is called (a live subscription needs it). The session must be in the pool.
   */
  pin(session: XmppSession): () => void {
    const entry = this.entries.get(session.bareJid);
    if (!entry || entry.session !== session) return () => undefined;
    entry.pins++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.pins--;
      entry.lastUsed = Date.now();
    };
  }

  /** Closes and forgets the user's session (after a password change or unregistration). */
  async drop(bareJid: string): Promise<void> {
    const entry = this.entries.get(bareJid);
    if (!entry) return;
    this.entries.delete(bareJid);
    await entry.session.close();
  }

  /** Closes every session cleanly; later requests are refused. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweeper);
    const sessions = [...this.entries.values()].map((e) => e.session);
    this.entries.clear();
    await Promise.allSettled(sessions.map((s) => s.close()));
  }

  /** Closes sessions idle for longer than the timeout; exposed for tests. */
  closeIdle(now = Date.now()): number {
    let closed = 0;
    for (const entry of [...this.entries.values()]) {
      if (entry.pins === 0 && now - entry.lastUsed >= this.options.idleTimeoutMs) {
        this.entries.delete(entry.bareJid);
        void entry.session.close();
        closed++;
      }
    }
    return closed;
  }

  /**
   * The entry's session for a credential it has proven, after proving it again when the
   * proof is older than the bound. A refusal closes the session (its subscriptions end;
   * those with a credential that still works log in again).
   * @throws XmppAuthError when the server refuses the credential now, or what the prover
   *         throws when the server cannot be asked (the session is kept then).
   */
  private async useProven(entry: Entry, verifier: string, username: string, credential: PoolCredential): Promise<XmppSession> {
    const proof = entry.verifiers.get(verifier)!;
    if (Date.now() - proof.provenAt >= this.options.recheckMs) {
      proof.pending ??= this.reprove(entry, verifier, proof, username, credential).finally(() => (proof.pending = undefined));
      await proof.pending;
    }
    this.touch(entry);
    return entry.session;
  }

  private async reprove(entry: Entry, verifier: string, proof: Proof, username: string, credential: PoolCredential): Promise<void> {
    this.counters.reproofs++;
    try {
      const keys = await this.options.prove(
        "password" in credential ? { username, password: credential.password, keys: proof.keys } : { username, keys: credential.keys },
      );
      proof.provenAt = Date.now();
      proof.keys = keys ?? proof.keys;
    } catch (error) {
      if (error instanceof XmppAuthError) {
        entry.verifiers.delete(verifier);
        if (this.entries.get(entry.bareJid) === entry) this.entries.delete(entry.bareJid);
        void entry.session.close();
      }
      throw error;
    }
  }

  private store(bareJid: string, verifier: string, session: XmppSession): void {
    const previous = this.entries.get(bareJid);
    if (previous) {
      this.entries.delete(bareJid);
      // Subscriptions on the old session end with it; their clients resubscribe.
      void previous.session.close();
    }
    const proof: Proof = { provenAt: Date.now(), keys: session.keys };
    const entry: Entry = { bareJid, verifiers: new Map([[verifier, proof]]), session, lastUsed: Date.now(), pins: 0 };
    this.entries.set(bareJid, entry);
    session.onClose(() => {
      if (this.entries.get(bareJid) === entry) this.entries.delete(bareJid);
    });
    this.options.onOpened?.(session);
  }

  private makeRoom(): void {
    if (this.entries.size < this.options.maxSessions) return;
    for (const entry of this.entries.values()) {
      if (entry.pins === 0) {
        this.entries.delete(entry.bareJid);
        void entry.session.close();
        return;
      }
    }
    throw new ApiError(
      "pool_exhausted",
      `The gateway already holds its maximum of ${this.options.maxSessions} sessions with live subscriptions`,
      {},
      503,
    );
  }

  private touch(entry: Entry): void {
    entry.lastUsed = Date.now();
    // Re-inserting moves the entry to the most-recently-used end.
    this.entries.delete(entry.bareJid);
    this.entries.set(entry.bareJid, entry);
  }

  // Keyed with a per-process secret: the pool never holds a password or anything that
  // could be turned back into one.
  private verifierOf(credential: PoolCredential): string {
    const mac = createHmac("sha256", this.verifierKey);
    if ("password" in credential) mac.update("password\0").update(credential.password);
    else mac.update(`keys\0${credential.keys.salt}\0${credential.keys.iterations}\0`).update(credential.keys.clientKey);
    return mac.digest("base64");
  }

  private async serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.logins.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(task);
    this.logins.set(key, run);
    try {
      return await run;
    } finally {
      if (this.logins.get(key) === run) this.logins.delete(key);
    }
  }
}
