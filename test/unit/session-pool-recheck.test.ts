import { describe, expect, it } from "vitest";
import { XmppAuthError, XmppConnectionError } from "../../src/xmpp/errors.js";
import { SessionPool, type CredentialProver } from "../../src/pool/session-pool.js";
import type { XmppSession } from "../../src/xmpp/session.js";

// The pool's bookkeeping around CREDENTIAL_RECHECK_S, with stand-in sessions: what the
// server says is integration-tested (test/integration/credential-recheck.test.ts).
function standInSession(bareJid: string): XmppSession {
  let open = true;
  const closeListeners: Array<() => void> = [];
  return {
    bareJid,
    keys: undefined,
    get isOpen() { return open; },
    onClose: (l: () => void) => closeListeners.push(l),
    close: async () => { open = false; closeListeners.forEach((l) => l()); },
  } as unknown as XmppSession;
}

function poolWith(prove: CredentialProver, recheckMs: number) {
  return new SessionPool({
    maxSessions: 10,
    idleTimeoutMs: 60_000,
    recheckMs,
    open: async (login) => standInSession(`${login.username}@localhost`),
    prove,
  });
}

const ALICE = ["alice@localhost", "alice", { password: "pw" }] as const;

describe("SessionPool credential recheck", () => {
  it("trusts a proof within the bound and shares one re-proof among concurrent requests after it", async () => {
    let proofs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pool = poolWith(async () => { proofs++; await gate; return undefined; }, 0);
    const first = await pool.session(...ALICE);
    const waiting = Array.from({ length: 5 }, () => pool.session(...ALICE));
    release();
    for (const s of await Promise.all(waiting)) expect(s).toBe(first);
    expect(proofs).toBe(1);
    expect(pool.counters).toEqual({ logins: 1, reproofs: 1 });
    await pool.close();
  });

  it("does not re-prove within the bound", async () => {
    let proofs = 0;
    const pool = poolWith(async () => { proofs++; return undefined; }, 60_000);
    await pool.session(...ALICE);
    await pool.session(...ALICE);
    expect(proofs).toBe(0);
    await pool.close();
  });

  it("closes the session and refuses when the server refuses the credential now", async () => {
    const pool = poolWith(async () => { throw new XmppAuthError("not-authorized"); }, 0);
    const session = await pool.session(...ALICE);
    await expect(pool.session(...ALICE)).rejects.toBeInstanceOf(XmppAuthError);
    expect(session.isOpen).toBe(false);
    expect(pool.has(ALICE[0])).toBe(false);
    await pool.close();
  });

  it("keeps the session when the server cannot be asked, and asks again next time", async () => {
    let reachable = false;
    const pool = poolWith(async () => { if (!reachable) throw new XmppConnectionError("down"); return undefined; }, 0);
    const session = await pool.session(...ALICE);
    await expect(pool.session(...ALICE)).rejects.toBeInstanceOf(XmppConnectionError);
    expect(session.isOpen).toBe(true);
    reachable = true;
    expect(await pool.session(...ALICE)).toBe(session);
    await pool.close();
  });
});

describe("SessionPool sealed credentials", () => {
  const keys = { hash: "SHA-256", salt: "c2FsdA==", iterations: 4096, clientKey: Buffer.from("ck"), serverKey: Buffer.from("sk") } as const;
  function poolWithKeys(prove: CredentialProver, recheckMs: number) {
    return new SessionPool({
      maxSessions: 10, idleTimeoutMs: 60_000, recheckMs, prove,
      open: async (login) => ({ ...standInSession(`${login.username}@localhost`), keys } as unknown as XmppSession),
    });
  }

  it("turns a proven password into the keys that proved it, proven with the same bound", async () => {
    const seen: Array<{ password?: string; keys?: unknown }> = [];
    const pool = poolWithKeys(async (login) => { seen.push(login); return keys as never; }, 0);
    const session = await pool.session(...ALICE);
    const sealed = pool.sealed(ALICE[0], ALICE[2]);
    expect(sealed).toEqual({ keys });
    expect(JSON.stringify(sealed)).not.toContain("pw");
    expect(pool.isProven(ALICE[0], sealed)).toBe(true);
    // Used after the bound: re-proven with the keys alone, on the same session.
    expect(await pool.session(ALICE[0], ALICE[1], sealed)).toBe(session);
    expect(seen).toEqual([{ username: "alice", keys }]);
    expect(pool.counters.logins).toBe(1);
    await pool.close();
  });

  it("keeps a password the pool has not proven, or proved without keys (PLAIN)", async () => {
    const pool = poolWith(async () => undefined, 60_000);
    expect(pool.sealed(ALICE[0], ALICE[2])).toBe(ALICE[2]);
    await pool.session(...ALICE);
    expect(pool.sealed(ALICE[0], ALICE[2])).toBe(ALICE[2]);
    await pool.close();
  });
});
