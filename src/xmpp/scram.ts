import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { preparePassword } from "./saslprep.js";

/*
 * SCRAM-SHA-1 (RFC 5802) and SCRAM-SHA-256 (RFC 7677), as profiled for XMPP by RFC 6120 §6,
 * computed with node:crypto; passwords are prepared with SASLprep (see saslprep.ts).
 * xmpp.js's default mechanism awaits one WebCrypto HMAC per PBKDF2 iteration (~1 s per
 * login here); one node:crypto pbkdf2 call is ~140× faster, and it runs on libuv's thread
 * pool, so concurrent logins do not stall every other request for its few milliseconds.
 * The derived keys are handed back so the pool can reconnect without repeating PBKDF2 and
 * without keeping the password.
 */

/** The hash functions of the SCRAM mechanisms we implement. */
export type ScramHash = "sha1" | "sha256";

/** Keys derived from a password for one hash, salt and iteration count. */
export interface ScramKeys {
  hash: ScramHash;
  salt: string; // base64, as the server sent it
  iterations: number;
  clientKey: Buffer;
  serverKey: Buffer;
}

/** The credentials our mechanism accepts: a password, or keys from an earlier login. */
export interface ScramCredentials {
  username: string;
  password?: string;
  keys?: ScramKeys;
  /** Called once the keys for this login are known (fresh or reused). */
  onKeys?: (keys: ScramKeys) => void;
}

const HASH_BYTES: Record<ScramHash, number> = { sha1: 20, sha256: 32 };
const hmac = (hash: ScramHash, key: Buffer, data: string | Buffer) => createHmac(hash, key).update(data).digest();
const pbkdf2Async = promisify(pbkdf2);

/**
 * Derives ClientKey and ServerKey from a password (RFC 5802 §3), off the event loop.
 * @throws PasswordPreparationError when SASLprep prohibits a character of the password.
 */
export async function deriveScramKeys(hash: ScramHash, password: string, saltB64: string, iterations: number): Promise<ScramKeys> {
  const salted = await pbkdf2Async(preparePassword(password), Buffer.from(saltB64, "base64"), iterations, HASH_BYTES[hash], hash);
  return { hash, salt: saltB64, iterations, clientKey: hmac(hash, salted, "Client Key"), serverKey: hmac(hash, salted, "Server Key") };
}

/** RFC 5802 §5.1 saslname: `=` and `,` must be escaped in the username. */
const saslName = (name: string) => name.replace(/=/g, "=3D").replace(/,/g, "=2C");

function parseAttributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return out;
}

/** Thrown when the server's messages are malformed or its signature does not verify. */
export class ScramProtocolError extends Error {
  override readonly name = "ScramProtocolError";
}

/**
 * Thrown when only cached keys were given and the server's salt or iteration count no
 * longer matches them: the password changed since the keys were derived.
 */
export class ScramKeysOutdatedError extends Error {
  override readonly name = "ScramKeysOutdatedError";
  constructor() {
    super("the stored SCRAM keys no longer match the account (password changed?)");
  }
}

/**
 * A SCRAM mechanism object in the shape the `saslmechanisms` factory used by @xmpp/sasl
 * expects: `response()` produces each client message (@xmpp/sasl awaits it), `challenge()`
 * takes each server message, including the server-final one (XMPP carries it in
 * `<success/>`, see sasl.ts). Unlike xmpp.js's, it verifies the server signature.
 */
abstract class NodeScram {
  abstract readonly name: string;
  protected abstract readonly hash: ScramHash;
  readonly clientFirst = true;
  private stage: "initial" | "challenge" | "final" | "done" = "initial";
  private readonly clientNonce: string;
  private clientFirstBare = "";
  private serverMessage = "";
  private expectedServerSignature: Buffer | undefined;

  constructor(nonce: string = randomBytes(18).toString("base64")) {
    this.clientNonce = nonce;
  }

  /** Whether the server's signature arrived and verified. */
  get verified(): boolean {
    return this.stage === "done";
  }

  async response(cred: ScramCredentials): Promise<string> {
    if (this.stage === "initial") {
      this.clientFirstBare = `n=${saslName(cred.username)},r=${this.clientNonce}`;
      this.stage = "challenge";
      return `n,,${this.clientFirstBare}`;
    }
    if (this.stage === "challenge") return this.clientFinal(cred);
    // The server's final message carried its signature; checked in challenge().
    return "";
  }

  challenge(serverMessage: string): this {
    if (this.stage === "challenge") {
      this.serverMessage = serverMessage;
    } else if (this.stage === "final") {
      const attrs = parseAttributes(serverMessage);
      if (attrs.has("e")) throw new ScramProtocolError(`server reported ${attrs.get("e")}`);
      const v = Buffer.from(attrs.get("v") ?? "", "base64");
      if (!this.expectedServerSignature || v.length !== this.expectedServerSignature.length ||
          !timingSafeEqual(v, this.expectedServerSignature)) {
        throw new ScramProtocolError("the server's signature does not verify");
      }
      this.stage = "done";
    }
    return this;
  }

  private async clientFinal(cred: ScramCredentials): Promise<string> {
    const attrs = parseAttributes(this.serverMessage);
    const nonce = attrs.get("r");
    const salt = attrs.get("s");
    const iterations = Number(attrs.get("i"));
    if (!nonce || !nonce.startsWith(this.clientNonce) || !salt || !Number.isInteger(iterations) || iterations < 1) {
      throw new ScramProtocolError("malformed server-first-message");
    }
    let keys = cred.keys;
    if (!keys || keys.hash !== this.hash || keys.salt !== salt || keys.iterations !== iterations) {
      if (cred.password === undefined) throw new ScramKeysOutdatedError();
      keys = await deriveScramKeys(this.hash, cred.password, salt, iterations);
    }
    cred.onKeys?.(keys);
    const withoutProof = `c=biws,r=${nonce}`; // biws = base64("n,,"): no channel binding, no authzid
    const authMessage = `${this.clientFirstBare},${this.serverMessage},${withoutProof}`;
    const storedKey = createHash(this.hash).update(keys.clientKey).digest();
    const clientSignature = hmac(this.hash, storedKey, authMessage);
    const proof = Buffer.alloc(clientSignature.length);
    for (let i = 0; i < proof.length; i++) proof[i] = keys.clientKey[i]! ^ clientSignature[i]!;
    this.expectedServerSignature = hmac(this.hash, keys.serverKey, authMessage);
    this.stage = "final";
    return `${withoutProof},p=${proof.toString("base64")}`;
  }
}

/** SCRAM-SHA-1 (RFC 5802). */
export class NodeScramSha1 extends NodeScram {
  static readonly mechanismName = "SCRAM-SHA-1";
  readonly name = NodeScramSha1.mechanismName;
  protected readonly hash = "sha1";
}

/** SCRAM-SHA-256 (RFC 7677). */
export class NodeScramSha256 extends NodeScram {
  static readonly mechanismName = "SCRAM-SHA-256";
  readonly name = NodeScramSha256.mechanismName;
  protected readonly hash = "sha256";
}

/** Either SCRAM mechanism. */
export type NodeScramMechanism = NodeScramSha1 | NodeScramSha256;
