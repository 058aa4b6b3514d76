import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type XmppSandbox } from "../../scripts/sandbox/xmpp-sandbox.js";
import type { SaslProfile } from "../../scripts/sandbox/sasl-profile.js";
import { SERVER, startGateway, type TestGateway } from "../support/gateway.js";
import { readOfferedFeatures } from "../support/stream-features.js";

// Issue 14 item 3: servers that offer only SCRAM-SHA-256, or only PLAIN over TLS, and
// passwords that SASLprep changes. Each profile gets a sandbox configured for it.
const WHO = "{ checkAuth { username authStatus } }";
// A SOFT HYPHEN (mapped to nothing by SASLprep, kept by NFKC alone) and ROMAN NUMERAL NINE
// (NFKC: "IX"). Every server stores keys of the prepared form.
const MAPPED_PASSWORD = "pass\u00ADword-\u2168";
const PREPARED_PASSWORD = "password-IX";

interface Setup { sandbox: XmppSandbox; gw: TestGateway }

async function setUp(sasl: SaslProfile, overrides: Record<string, string> = {}): Promise<Setup> {
  const sandbox = await startSandbox(SERVER, { sasl });
  const gw = await startGateway({ ...(sandbox.tlsCaFile && { XMPP_TLS_CA_FILE: sandbox.tlsCaFile }), ...overrides }, sandbox);
  return { sandbox, gw };
}

async function mechanismOf(gw: TestGateway, user: { jid: string; username: string; password: string }): Promise<string> {
  return (await gw.app.pool.session(user.jid, user.username, { password: user.password })).mechanism;
}

describe("a server that offers only SCRAM-SHA-256", () => {
  let s: Setup;
  const dir = mkdtempSync(join(tmpdir(), "xg-sasl-"));
  beforeAll(async () => {
    s = await setUp("scram-sha-256", { TOKEN_SECRET: "test-secret-that-is-long-enough-0123456789", TOKEN_STORE_PATH: join(dir, "revocations.json") });
  });
  afterAll(async () => {
    await s?.gw.stop();
    await s?.sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs in with SCRAM-SHA-256 and refuses a wrong password with wrong_credentials", async () => {
    const offered = await readOfferedFeatures(s.sandbox.host, s.sandbox.c2sPort, s.sandbox.domain);
    expect(offered.mechanisms).toEqual(["SCRAM-SHA-256"]);
    const alice = await s.sandbox.createUser();
    expect((await s.gw.gql(WHO, undefined, alice)).body.data.checkAuth).toEqual({ username: alice.jid, authStatus: "AUTHORIZED" });
    expect(await mechanismOf(s.gw, alice)).toBe("SCRAM-SHA-256");
    const wrong = await s.gw.gql(WHO, undefined, { ...alice, password: "not-it" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
  });

  it("logs in with a password that SASLprep maps, typed either way", async () => {
    const bob = await s.sandbox.createUser(undefined, MAPPED_PASSWORD);
    expect((await s.gw.gql(WHO, undefined, bob)).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
    expect((await s.gw.gql(WHO, undefined, { ...bob, password: PREPARED_PASSWORD })).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
  });

  it("issues tokens whose SHA-256 keys log in", async () => {
    const carol = await s.sandbox.createUser();
    const issued = await s.gw.gql("mutation { token { requestToken { access } } }", undefined, carol);
    expect(issued.body.errors).toBeUndefined();
    await s.gw.app.pool.drop(carol.jid); // the token must log in by itself
    const r = await s.gw.gql(WHO, undefined, null, { headers: { authorization: `Bearer ${issued.body.data.token.requestToken.access}` } });
    expect(r.body.data.checkAuth).toEqual({ username: carol.jid, authStatus: "AUTHORIZED" });
  });
});

describe("a server that offers only PLAIN, over STARTTLS", () => {
  let s: Setup;
  const dir = mkdtempSync(join(tmpdir(), "xg-sasl-"));
  beforeAll(async () => {
    s = await setUp("plain-tls", {
      CREDENTIAL_RECHECK_S: "1",
      TOKEN_SECRET: "test-secret-that-is-long-enough-0123456789",
      TOKEN_STORE_PATH: join(dir, "revocations.json"),
    });
  });
  afterAll(async () => {
    await s?.gw.stop();
    await s?.sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("logs in with PLAIN after STARTTLS and refuses a wrong password with wrong_credentials", async () => {
    // Before TLS: STARTTLS, and no SCRAM (PLAIN itself only where the server shows it anyway).
    const offered = await readOfferedFeatures(s.sandbox.host, s.sandbox.c2sPort, s.sandbox.domain);
    expect(offered.starttls).toBe(true);
    expect(offered.mechanisms.filter((m) => m !== "PLAIN")).toEqual([]);
    const alice = await s.sandbox.createUser();
    expect((await s.gw.gql(WHO, undefined, alice)).body.data.checkAuth).toEqual({ username: alice.jid, authStatus: "AUTHORIZED" });
    expect(await mechanismOf(s.gw, alice)).toBe("PLAIN");
    const wrong = await s.gw.gql(WHO, undefined, { ...alice, password: "not-it" });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
  });

  it("logs in with a password that SASLprep maps", async () => {
    const bob = await s.sandbox.createUser(undefined, MAPPED_PASSWORD);
    expect((await s.gw.gql(WHO, undefined, bob)).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
  });

  it("re-proves a PLAIN password after the bound without a new login", async () => {
    const carol = await s.sandbox.createUser();
    expect((await s.gw.gql(WHO, undefined, carol)).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
    const before = { ...s.gw.app.pool.counters };
    await new Promise((resolve) => setTimeout(resolve, 1100)); // let the 1 s bound pass
    expect((await s.gw.gql(WHO, undefined, carol)).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
    expect(s.gw.app.pool.counters.reproofs - before.reproofs).toBe(1);
    expect(s.gw.app.pool.counters.logins - before.logins).toBe(0);
  });

  it("answers requestToken with deps_not_loaded: a token never carries the password PLAIN would need", async () => {
    const erin = await s.sandbox.createUser();
    const r = await s.gw.gql("mutation { token { requestToken { access } } }", undefined, erin);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("deps_not_loaded");
  });

  it("does not log in when the server's certificate is not trusted: TLS is verified, not skipped", async () => {
    const untrusting = await startGateway({}, s.sandbox);
    try {
      const dave = await s.sandbox.createUser();
      const r = await untrusting.gql(WHO, undefined, dave);
      expect(r.status).toBe(503);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("xmpp_unavailable");
    } finally {
      await untrusting.stop();
    }
  });
});
