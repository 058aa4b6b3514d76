import type { XmppSession } from "../xmpp/session.js";
import { orApiError } from "../errors/map-error.js";
import { VCARD_ERRORS, invalidVcardInput, vcardNotFound } from "./vcard.errors.js";
import { bareJid, formatJid, parseJid } from "../xmpp/jid.js";
import {
  buildVcardGet, buildVcardSet, parseVcardResult, type ImageInput, type Vcard, type VcardInput,
} from "./vcard.stanzas.js";
import { domainOfJid } from "../xmpp/jid.js";

/**
 * A user's vCard (XEP-0054 §3.3), or the caller's own (§3.1) when `user` is omitted. A
 * resource in `user` is ignored. The extensions name `user` as MongooseIM's do.
 * @throws ApiError `vcard_not_found` when none is stored (or, on Prosody, the local user
 *         does not exist), `user_not_found` when the user's domain cannot be reached.
 */
export async function getVcard(session: XmppSession, user?: string | null): Promise<Vcard> {
  const target = user == null ? session.bareJid : formatJid(bareJid(parseJid(user)));
  const context = { user: user ?? session.bareJid };
  const own = target === session.bareJid;
  const errors = own
    ? VCARD_ERRORS.getOwn
    : domainOfJid(target) === domainOfJid(session.bareJid) ? VCARD_ERRORS.getLocal : VCARD_ERRORS.getRemote;
  let reply;
  reply = await orApiError(session.iq(buildVcardGet(own ? undefined : target)), errors, context);
  const vcard = parseVcardResult(reply);
  if (!vcard) throw vcardNotFound(context);
  return vcard;
}

/**
 * Replaces the caller's vCard (XEP-0054 §3.2) and returns it as the server now stores it,
 * read back: servers may drop what they do not keep (ejabberd keeps one value of every
 * property but ADR, LABEL, TEL, EMAIL and AGENT, the last one given).
 * @throws ApiError `invalid_input` for a union input that is not exactly one variant,
 *         `internal` when the server fails to store it.
 */
export async function setVcard(session: XmppSession, vcard: VcardInput): Promise<Vcard> {
  checkVcardInput(vcard);
  await orApiError(session.iq(buildVcardSet(vcard)), VCARD_ERRORS.set, { user: session.bareJid });
  return getVcard(session);
}

/**
 * Checks what the SDL cannot say: XEP-0054 makes PHOTO/LOGO `(TYPE, BINVAL) | EXTVAL`,
 * SOUND `PHONETIC | BINVAL | EXTVAL` and AGENT `vCard | EXTVAL`, so each input must pick
 * exactly one variant (MongooseIM stores any mix and then fails to read it back).
 * @throws ApiError `invalid_input` naming the first offending field.
 */
export function checkVcardInput(vcard: VcardInput, path = "vcard"): void {
  const images = (field: "photo" | "logo") =>
    (vcard[field] ?? []).forEach((image, i) => checkImage(image, `${path}.${field}[${i}]`));
  images("photo");
  images("logo");
  (vcard.sound ?? []).forEach((sound, i) => {
    if (given(sound.phonetic, sound.binValue, sound.extValue) !== 1) {
      throw invalidVcardInput(`${path}.sound[${i}]`, "A sound needs exactly one of phonetic, binValue or extValue");
    }
  });
  (vcard.agent ?? []).forEach((agent, i) => {
    if (given(agent.vcard, agent.extValue) !== 1) {
      throw invalidVcardInput(`${path}.agent[${i}]`, "An agent needs exactly one of vcard or extValue");
    }
    if (agent.vcard) checkVcardInput(agent.vcard, `${path}.agent[${i}].vcard`);
  });
}

function checkImage(image: ImageInput, field: string): void {
  const embedded = given(image.binValue) === 1;
  if (embedded === (given(image.extValue) === 1) || (!embedded && given(image.type) === 1)) {
    throw invalidVcardInput(field, "An image needs either binValue (with an optional type) or extValue alone");
  }
}

function given(...values: unknown[]): number {
  return values.filter((v) => v != null).length;
}

