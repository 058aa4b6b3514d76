import { ApiError } from "../errors/api-error.js";
import type { ScramKeys } from "../xmpp/scram.js";
import { TokenCodec, type TokenClaims, type TokenKind } from "./token-codec.js";
import type { RevocationStore } from "./revocation-store.js";
import { loadOrCreateTokenSecret } from "./token-secret.js";

export interface TokenPair {
  access: string;
  refresh: string;
}

/** Where the sealing secret comes from, and how long tokens live. */
export interface TokenSettings {
  /** The operator's TOKEN_SECRET; when unset, the one kept in `secretFile` (generated once). */
  secret: string | undefined;
  secretFile: string;
  accessTtlS: number;
  refreshTtlS: number;
}

/**
 * Issues, checks and revokes the gateway's tokens (MongooseIM's `token` namespace).
 * It seals nothing until {@link open} has its secret: before that, requesting a token
 * answers `deps_not_loaded` and every Bearer token is refused.
 */
export class TokenService {
  private codec: TokenCodec | undefined;

  constructor(
    private readonly settings: TokenSettings,
    private readonly store: RevocationStore,
    private readonly now: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  /**
   * Takes the configured secret, or reads (creating it the first time) the data
   * directory's one, and opens the revocation store.
   * @throws when the secret file cannot be read or written, or the store cannot be reached.
   */
  async open(): Promise<void> {
    const secret = this.settings.secret ?? (await loadOrCreateTokenSecret(this.settings.secretFile));
    this.codec = new TokenCodec(secret);
    await this.store.open();
  }

  /**
   * A fresh access token and a refresh token for `user`, holding the SCRAM keys of its
   * XMPP login. When the caller came with a refresh token, that token is handed back
   * with the new access token.
   * @param keys the SCRAM keys of the user's login; none after a PLAIN login.
   * @throws ApiError `deps_not_loaded` before {@link open}, or when the login used PLAIN:
   *         a token would have to carry the password itself, which it never does.
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
      access: seal("access", this.settings.accessTtlS),
      refresh: presentedRefresh ?? seal("refresh", this.settings.refreshTtlS),
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
        hint: "the token service has not been opened",
      });
    }
    return this.codec;
  }
}
