import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { ScramKeys } from "../xmpp/scram.js";

/*
 * Gateway-issued tokens. A token is self-contained and sealed with AES-256-GCM under a
 * key derived from the configured secret: it names the user, its kind, its revocation
 * generation and expiry, and carries the SCRAM keys that log the user in to XMPP —
 * never the password. Tampering fails the GCM tag; revocation is a per-user generation
 * kept in a store (see revocation-store.ts).
 */

export type TokenKind = "access" | "refresh";

/** What a valid token proves. */
export interface TokenClaims {
  kind: TokenKind;
  /** The user's bare JID. */
  user: string;
  /** The user's revocation generation when the token was issued. */
  generation: number;
  issuedAt: number; // seconds since the epoch
  expiresAt: number; // seconds since the epoch
  keys: ScramKeys;
}

const PREFIX = "xg1.";

/** Seals and opens tokens with one server secret. */
export class TokenCodec {
  private readonly key: Buffer;

  constructor(secret: string) {
    // HKDF gives a full-strength AES key from a secret of any shape, bound to this use.
    this.key = Buffer.from(hkdfSync("sha256", secret, "xmpp-graphql", "token sealing key v1", 32));
  }

  /** @returns the token text, `xg1.` + base64url(iv ‖ ciphertext ‖ tag). */
  seal(claims: TokenClaims): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const body = JSON.stringify({
      t: claims.kind,
      u: claims.user,
      g: claims.generation,
      i: claims.issuedAt,
      e: claims.expiresAt,
      h: claims.keys.hash,
      s: claims.keys.salt,
      n: claims.keys.iterations,
      c: claims.keys.clientKey.toString("base64"),
      v: claims.keys.serverKey.toString("base64"),
    });
    const sealed = Buffer.concat([cipher.update(body, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString("base64url");
  }

  /** @returns the claims, or undefined for anything that is not a token sealed with our key. */
  open(token: string): TokenClaims | undefined {
    if (!token.startsWith(PREFIX)) return undefined;
    const raw = Buffer.from(token.slice(PREFIX.length), "base64url");
    if (raw.length < 12 + 16 + 2) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const text = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
      const b = JSON.parse(text) as Record<string, unknown>;
      if ((b.t !== "access" && b.t !== "refresh") || typeof b.u !== "string") return undefined;
      return {
        kind: b.t,
        user: b.u,
        generation: Number(b.g),
        issuedAt: Number(b.i),
        expiresAt: Number(b.e),
        keys: {
          // Tokens sealed before SCRAM-SHA-256 support carry SHA-1 keys and no hash name.
          hash: b.h === "sha256" ? "sha256" : "sha1",
          salt: String(b.s),
          iterations: Number(b.n),
          clientKey: Buffer.from(String(b.c), "base64"),
          serverKey: Buffer.from(String(b.v), "base64"),
        },
      };
    } catch {
      return undefined;
    }
  }
}
