import { ApiError } from "../errors/api-error.js";
import type { ScramKeys } from "../xmpp/scram.js";
import { TokenCodec, type TokenClaims, type TokenKind } from "./token-codec.js";
import type { RevocationStore } from "./revocation-store.js";

export interface TokenPair {
  access: string;
  refresh: string;
}

/**
 * Issues, checks and revokes the gateway's tokens (MongooseIM's `token` namespace).
 * Without a configured secret it has no codec: requesting a token answers
 * `deps_not_loaded` and every Bearer token is refused.
 */
export class TokenService {
  private readonly codec: TokenCodec | undefined;

  constructor(
    secret: string | undefined,
    private readonly store: RevocationStore,
    private readonly ttl: { accessS: number; refreshS: number },
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.codec = secret ? new TokenCodec(secret) : undefined;
  }

  /**
   * A fresh access token and a refresh token for `user`, holding the SCRAM keys of its
   * XMPP login. When the caller came with a refresh token, that token is handed back
   * with the new access token.
   * @param keys the SCRAM keys of the user's login; none after a PLAIN login.
   * @throws ApiError `deps_not_loaded` when tokens are not configured, or when the login
   *         used PLAIN: a token would have to carry the password itself, which it never does.
   */
  async request(user: string, keys: ScramKeys | undefined, presentedRefresh?: string): Promise<TokenPair> {
    const codec = this.requireCodec();
    if (!keys) {
      throw new ApiError("deps_not_loaded", "Tokens need a SCRAM login, and the XMPP server offers only PLAIN", {
        not_loaded_modules: ["mod_auth_token"],
        hint: "offer SCRAM-SHA-1 or SCRAM-SHA-256 on the XMPP server to enable tokens",
      });
    }
    const generation = await this.store.issued(user);
    const issuedAt = this.now();
    const seal = (kind: TokenKind, ttl: number) =>
      codec.seal({ kind, user, generation, issuedAt, expiresAt: issuedAt + ttl, keys });
    return {
      access: seal("access", this.ttl.accessS),
      refresh: presentedRefresh ?? seal("refresh", this.ttl.refreshS),
    };
  }

  /** @returns the claims of a live token (sealed by us, not expired, not revoked), else undefined. */
  async verify(token: string): Promise<TokenClaims | undefined> {
    const claims = this.codec?.open(token);
    if (!claims || claims.expiresAt <= this.now()) return undefined;
    if (claims.generation < (await this.store.generation(claims.user))) return undefined;
    return claims;
  }

  /**
   * Invalidates every token of the user at once, durably.
   * @throws ApiError `not_found` when the user has no token to revoke.
   */
  async revoke(user: string): Promise<string> {
    this.requireCodec();
    if (!(await this.store.revoke(user))) {
      throw new ApiError("not_found", "User or token not found", { user });
    }
    return "Revoked";
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private requireCodec(): TokenCodec {
    if (!this.codec) {
      throw new ApiError("deps_not_loaded", "Some of the required modules are not loaded", {
        not_loaded_modules: ["mod_auth_token"],
        hint: "set TOKEN_SECRET to enable tokens",
      });
    }
    return this.codec;
  }
}
