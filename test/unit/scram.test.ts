import { describe, expect, it } from "vitest";
import { NodeScramSha1, NodeScramSha256, ScramKeysOutdatedError, ScramProtocolError, type ScramKeys } from "../../src/xmpp/scram.js";
import { chooseMechanism } from "../../src/xmpp/sasl.js";

// The worked example of RFC 5802 §5 (user "user", password "pencil").
const CLIENT_NONCE = "fyko+d2lbbFgONRv9qkxdawL";
const SERVER_FIRST = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
const CLIENT_FINAL = "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
const SERVER_FINAL = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";

async function run(cred: { username: string; password?: string; keys?: ScramKeys; onKeys?: (k: ScramKeys) => void }) {
  const mech = new NodeScramSha1(CLIENT_NONCE);
  const first = await mech.response(cred);
  mech.challenge(SERVER_FIRST);
  const final = await mech.response(cred);
  return { mech, first, final };
}

describe("NodeScramSha1", () => {
  it("produces RFC 5802's client messages and accepts its server signature", async () => {
    const { mech, first, final } = await run({ username: "user", password: "pencil" });
    expect(first).toBe("n,,n=user,r=" + CLIENT_NONCE);
    expect(final).toBe(CLIENT_FINAL);
    expect(() => mech.challenge(SERVER_FINAL)).not.toThrow();
  });

  it("reuses cached keys without the password and reports the keys it used", async () => {
    let saved: ScramKeys | undefined;
    await run({ username: "user", password: "pencil", onKeys: (k) => (saved = k) });
    expect(saved?.iterations).toBe(4096);
    const { final } = await run({ username: "user", keys: saved });
    expect(final).toBe(CLIENT_FINAL);
  });

  it("rejects a server signature that does not verify", async () => {
    const { mech } = await run({ username: "user", password: "pencil" });
    expect(() => mech.challenge("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA=")).toThrow(ScramProtocolError);
  });

  it("rejects a server nonce that does not extend the client's", async () => {
    const mech = new NodeScramSha1(CLIENT_NONCE);
    await mech.response({ username: "user", password: "pencil" });
    mech.challenge("r=other,s=QSXCR+Q6sek8bf92,i=4096");
    await expect(mech.response({ username: "user", password: "pencil" })).rejects.toThrow(ScramProtocolError);
  });

  it("does not reuse SHA-1 keys for another hash", async () => {
    let saved: ScramKeys | undefined;
    await run({ username: "user", password: "pencil", onKeys: (k) => (saved = k) });
    const mech = new NodeScramSha256(CLIENT_NONCE);
    await mech.response({ username: "user", keys: saved });
    mech.challenge(SERVER_FIRST);
    await expect(mech.response({ username: "user", keys: saved })).rejects.toThrow(ScramKeysOutdatedError);
  });

  it("escapes = and , in the username", async () => {
    const mech = new NodeScramSha1("n");
    expect(await mech.response({ username: "a=b,c", password: "x" })).toBe("n,,n=a=3Db=2Cc,r=n");
  });
});

// The worked example of RFC 7677 §3 (user "user", password "pencil").
const RFC7677 = {
  clientNonce: "rOprNGfwEbeRWgbNEkqO",
  serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  clientFinal: "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
  serverFinal: "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
};

describe("NodeScramSha256", () => {
  it("produces RFC 7677's client messages and accepts its server signature", async () => {
    const mech = new NodeScramSha256(RFC7677.clientNonce);
    let keys: ScramKeys | undefined;
    const cred = { username: "user", password: "pencil", onKeys: (k: ScramKeys) => (keys = k) };
    expect(await mech.response(cred)).toBe(`n,,n=user,r=${RFC7677.clientNonce}`);
    mech.challenge(RFC7677.serverFirst);
    expect(await mech.response(cred)).toBe(RFC7677.clientFinal);
    expect(mech.verified).toBe(false);
    mech.challenge(RFC7677.serverFinal);
    expect(mech.verified).toBe(true);
    expect(keys).toMatchObject({ hash: "sha256", iterations: 4096 });
    expect(keys!.clientKey).toHaveLength(32);
  });

  it("logs in again from its keys alone", async () => {
    let keys: ScramKeys | undefined;
    const first = new NodeScramSha256(RFC7677.clientNonce);
    await first.response({ username: "user", password: "pencil" });
    first.challenge(RFC7677.serverFirst);
    await first.response({ username: "user", password: "pencil", onKeys: (k) => (keys = k) });
    const again = new NodeScramSha256(RFC7677.clientNonce);
    await again.response({ username: "user", keys });
    again.challenge(RFC7677.serverFirst);
    expect(await again.response({ username: "user", keys })).toBe(RFC7677.clientFinal);
  });

  it("rejects a wrong server signature", async () => {
    const mech = new NodeScramSha256(RFC7677.clientNonce);
    await mech.response({ username: "user", password: "pencil" });
    mech.challenge(RFC7677.serverFirst);
    await mech.response({ username: "user", password: "pencil" });
    expect(() => mech.challenge("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).toThrow(ScramProtocolError);
  });
});

describe("chooseMechanism", () => {
  const sha1Keys: ScramKeys = { hash: "sha1", salt: "c2FsdA==", iterations: 4096, clientKey: Buffer.alloc(20), serverKey: Buffer.alloc(20) };
  const password = { username: "u", password: "p" };

  it("prefers SCRAM-SHA-256, then SCRAM-SHA-1", () => {
    expect(chooseMechanism(["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"], true, password)).toBe("SCRAM-SHA-256");
    expect(chooseMechanism(["SCRAM-SHA-1", "DIGEST-MD5"], false, password)).toBe("SCRAM-SHA-1");
  });

  it("uses stored keys with the mechanism of their hash", () => {
    expect(chooseMechanism(["SCRAM-SHA-256", "SCRAM-SHA-1"], false, { username: "u", keys: sha1Keys })).toBe("SCRAM-SHA-1");
    // The server no longer offers it: the keys are tried on the best SCRAM and fail there.
    expect(chooseMechanism(["SCRAM-SHA-256"], false, { username: "u", keys: sha1Keys })).toBe("SCRAM-SHA-256");
  });

  it("sends PLAIN only over TLS and only with a password", () => {
    expect(chooseMechanism(["PLAIN"], true, password)).toBe("PLAIN");
    expect(chooseMechanism(["PLAIN"], false, password)).toBeUndefined();
    expect(chooseMechanism(["PLAIN"], true, { username: "u", keys: sha1Keys })).toBeUndefined();
    expect(chooseMechanism(["DIGEST-MD5", "X-OAUTH2"], true, password)).toBeUndefined();
  });
});
