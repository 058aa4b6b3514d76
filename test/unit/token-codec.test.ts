import { describe, expect, it } from "vitest";
import { TokenCodec, type TokenClaims } from "../../src/token/token-codec.js";

const claims: TokenClaims = {
  kind: "access",
  user: "alice@localhost",
  generation: 3,
  issuedAt: 1_700_000_000,
  expiresAt: 1_700_003_600,
  keys: { hash: "sha256", salt: "c2FsdA==", iterations: 4096, clientKey: Buffer.alloc(32, 1), serverKey: Buffer.alloc(32, 2) },
};

describe("TokenCodec", () => {
  const codec = new TokenCodec("a-secret-of-at-least-thirty-two-chars!!");

  it("opens what it sealed, with every claim intact", () => {
    const token = codec.seal(claims);
    expect(token).toMatch(/^xg1\.[A-Za-z0-9_-]+$/);
    expect(codec.open(token)).toEqual(claims);
  });

  it("seals the same claims differently each time (random IV)", () => {
    expect(codec.seal(claims)).not.toBe(codec.seal(claims));
  });

  it("refuses tampered tokens, foreign prefixes and tokens of another secret", () => {
    const token = codec.seal(claims);
    const bytes = Buffer.from(token.slice(4), "base64url");
    bytes[20] = bytes[20]! ^ 1;
    expect(codec.open("xg1." + bytes.toString("base64url"))).toBeUndefined();
    expect(codec.open("xg2." + token.slice(4))).toBeUndefined();
    expect(codec.open("xg1.")).toBeUndefined();
    expect(new TokenCodec("another-secret-of-thirty-two-characters").open(token)).toBeUndefined();
  });
});
