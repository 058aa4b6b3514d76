import { describe, expect, it } from "vitest";
import { NodeScramSha1, ScramProtocolError, type ScramKeys } from "../../src/xmpp/scram.js";

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

  it("escapes = and , in the username", async () => {
    const mech = new NodeScramSha1("n");
    expect(await mech.response({ username: "a=b,c", password: "x" })).toBe("n,,n=a=3Db=2Cc,r=n");
  });
});
