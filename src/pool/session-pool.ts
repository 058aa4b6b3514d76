import { createHmac, randomBytes } from "node:crypto";
import { ApiError } from "../errors/api-error.js";
import type { XmppSession } from "../xmpp/session.js";
import type { ScramKeys } from "../xmpp/scram.js";

/** What proves a request's identity to XMPP: a password, or SCRAM keys from a token. */
export type PoolCredential = { password: string } | { keys: ScramKeys };

/** Opens a logged-in session for an account; rejects with XmppAuthError on bad credentials. */
export type SessionOpener = (login: { username: string } & PoolCredential) => Promise<XmppSession>;

export interface SessionPoolOptions {
  maxSessions: number;
  idleTimeoutMs: number;
  open: SessionOpener;
  /** How often idle sessions are looked for; defaults to a quarter of the idle timeout. */
  sweepIntervalMs?: number;
  /** Called with every session the pool takes in (e.g. to restore state after a reconnect). */
  onOpened?: (session: XmppSession) => void;
}

interface Entry {
  bareJid: string;
  /**
   * HMACs of the credentials proven against this session's account by a login: later
   * requests with one of them are checked without logging in again.
   */
  verifiers: Set<string>;
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
 *   a wrong one never reaches an existing session. A right new one replaces the session
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
      this.touch(current);
      return current.session;
    }
    return this.serialised(bareJid, async () => {
      // Another request may have proven the same credential while we waited.
      const again = this.entries.get(bareJid);
      if (again && again.session.isOpen && again.verifiers.has(verifier)) {
        this.touch(again);
        return again.session;
      }
      // Make room before logging in, so a full pool refuses without a wasted login.
      if (!this.entries.has(bareJid)) this.makeRoom();
      const session = await this.options.open({ username, ...credential });
      if (again && again.session.isOpen && again.pins > 0) {
        // Keep the subscribed session; the login only proved the credential.
        again.verifiers.add(verifier);
        this.touch(again);
        void session.close();
        return again.session;
      }
      this.store(bareJid, verifier, session);
      return session;
    });
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

  private store(bareJid: string, verifier: string, session: XmppSession): void {
    const previous = this.entries.get(bareJid);
    if (previous) {
      this.entries.delete(bareJid);
      // Subscriptions on the old session end with it; their clients resubscribe.
      void previous.session.close();
    }
    const entry: Entry = { bareJid, verifiers: new Set([verifier]), session, lastUsed: Date.now(), pins: 0 };
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
