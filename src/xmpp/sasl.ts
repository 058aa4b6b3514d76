import { xml, type Element } from "@xmpp/xml";
import type { Client } from "@xmpp/client-core";
import type { StreamFeaturesApi } from "@xmpp/stream-features";
import { NO_MECHANISM, XmppAuthError } from "./errors.js";
import { NodeScramSha1, NodeScramSha256, ScramProtocolError, type NodeScramMechanism, type ScramKeys } from "./scram.js";

/*
 * SASL negotiation, RFC 6120 §6: https://www.rfc-editor.org/rfc/rfc6120#section-6
 * Our own rather than @xmpp/sasl's, for three reasons: the server-final SCRAM message
 * travels in <success/> (§6.3.10), which @xmpp/sasl never hands to the mechanism, so the
 * server's signature would go unchecked; its base64 goes through btoa(), which throws on
 * any character above U+00FF (a PLAIN password "pässwörd€"); and the choice of mechanism
 * depends on what credential we hold and whether the stream is encrypted.
 */

const NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";

/** The mechanisms we implement, best first. */
export const SCRAM_SHA_256 = NodeScramSha256.mechanismName;
export const SCRAM_SHA_1 = NodeScramSha1.mechanismName;
export const PLAIN = "PLAIN";
export type SaslMechanismName = typeof SCRAM_SHA_256 | typeof SCRAM_SHA_1 | typeof PLAIN;

/** What a login may prove itself with: the password, or SCRAM keys from an earlier login. */
export interface SaslCredentials {
  username: string;
  password?: string;
  keys?: ScramKeys;
}

/** How a login went: the mechanism, and the SCRAM keys that a later login can reuse. */
export interface SaslOutcome {
  mechanism: SaslMechanismName;
  keys?: ScramKeys;
}

/**
 * Picks the mechanism for a login: SCRAM-SHA-256 before SCRAM-SHA-1 when both are offered,
 * except that stored keys (no password) only work with the hash they were derived with;
 * PLAIN only on an encrypted stream, and only with the password.
 * @returns the mechanism, or undefined when none fits.
 */
export function chooseMechanism(offered: readonly string[], secure: boolean, credentials: SaslCredentials): SaslMechanismName | undefined {
  const has = new Set(offered);
  const scram: Array<[SaslMechanismName, ScramKeys["hash"]]> = [[SCRAM_SHA_256, "sha256"], [SCRAM_SHA_1, "sha1"]];
  if (credentials.password === undefined && credentials.keys) {
    // Keys of one hash cannot log in with the other; when the server no longer offers it,
    // the best SCRAM it offers fails with "credentials-expired", which is the truth.
    const matching = scram.find(([name, hash]) => has.has(name) && hash === credentials.keys!.hash);
    if (matching) return matching[0];
  }
  const best = scram.find(([name]) => has.has(name));
  if (best) return best[0];
  if (has.has(PLAIN) && secure && credentials.password !== undefined) return PLAIN;
  return undefined;
}

/**
 * Registers the SASL stream feature on a client: authenticates with the best mechanism
 * both sides support and reports the outcome through `onOutcome` before the stream restarts.
 * Failures reject the client's start(): XmppAuthError with the server's condition (or
 * NO_MECHANISM), ScramProtocolError when the server's messages do not verify.
 */
export function useSasl(streamFeatures: StreamFeaturesApi, credentials: SaslCredentials, onOutcome: (outcome: SaslOutcome) => void): void {
  streamFeatures.use("mechanisms", NS_SASL, async ({ entity }, _next, features) => {
    const offered = features.getChildren("mechanism", NS_SASL).map((m) => m.text().trim());
    const secure = entity.socket?.secure === true;
    const mechanism = chooseMechanism(offered, secure, credentials);
    if (!mechanism) throw new XmppAuthError(NO_MECHANISM);
    const keys = mechanism === PLAIN
      ? await authenticatePlain(entity, credentials)
      : await authenticateScram(entity, mechanism === SCRAM_SHA_256 ? new NodeScramSha256() : new NodeScramSha1(), credentials);
    onOutcome({ mechanism, keys });
    await (entity as unknown as { restart(): Promise<void> }).restart();
  });
}

async function authenticateScram(entity: Client, mech: NodeScramMechanism, credentials: SaslCredentials): Promise<ScramKeys> {
  let keys: ScramKeys | undefined;
  const cred = { ...credentials, onKeys: (k: ScramKeys) => (keys = k) };
  const success = await exchange(entity, mech.name, await mech.response(cred), async (challenge) => {
    mech.challenge(challenge);
    return mech.response(cred);
  });
  // RFC 6120 §6.3.10: the server-final message (its signature) is the <success/> data.
  if (success !== "") mech.challenge(success);
  if (!mech.verified || !keys) throw new ScramProtocolError("the server did not prove that it knows the password");
  return keys;
}

async function authenticatePlain(entity: Client, credentials: SaslCredentials): Promise<undefined> {
  // RFC 4616: authzid NUL authcid NUL passwd; the server prepares both (SASLprep).
  await exchange(entity, PLAIN, `\0${credentials.username}\0${credentials.password ?? ""}`, () => {
    throw new XmppAuthError("PLAIN takes no challenge");
  });
  return undefined;
}

/**
 * Sends <auth/> and answers challenges until <success/> or <failure/>.
 * @returns the decoded additional data of <success/> ("" when none).
 */
function exchange(entity: Client, mechanism: string, initial: string, answer: (challenge: string) => Promise<string>): Promise<string> {
  const emitter = entity as unknown as { on(e: string, l: (el: Element) => void): void; removeListener(e: string, l: (el: Element) => void): void };
  return new Promise<string>((resolve, reject) => {
    const finish = (error: Error | undefined, data = "") => {
      emitter.removeListener("nonza", listener);
      if (error) reject(error);
      else resolve(data);
    };
    const listener = (element: Element) => {
      if (element.getNS() !== NS_SASL) return;
      if (element.name === "challenge") {
        answer(decode(element.text()))
          .then((response) => entity.send(xml("response", { xmlns: NS_SASL }, response === "" ? undefined : encode(response))))
          .catch((error: Error) => finish(error));
      } else if (element.name === "success") {
        finish(undefined, decode(element.text()));
      } else if (element.name === "failure") {
        const condition = element.getChildElements().find((child) => child.name !== "text")?.name ?? "not-authorized";
        finish(new XmppAuthError(condition));
      }
    };
    emitter.on("nonza", listener);
    entity.send(xml("auth", { xmlns: NS_SASL, mechanism }, encode(initial))).catch((error: Error) => finish(error));
  });
}

// RFC 6120 §6.4.2: base64 of the UTF-8 bytes; "=" stands for an empty initial response.
const encode = (text: string) => (text === "" ? "=" : Buffer.from(text, "utf8").toString("base64"));
const decode = (text: string) => (text.trim() === "=" ? "" : Buffer.from(text.trim(), "base64").toString("utf8"));
