/*
 * Approximations of the stringprep profiles XMPP servers apply to JID parts, close enough to
 * agree with MongooseIM on everything a client is likely to send:
 *   RFC 3454 (stringprep): https://www.rfc-editor.org/rfc/rfc3454
 *   RFC 3920 appendix A (nodeprep), appendix B (resourceprep); RFC 3491 (nameprep).
 * Instead of the Unicode 3.2 tables, prohibited characters are matched with Unicode
 * properties of the running engine, and case folding is `toLowerCase` plus the two full
 * foldings it misses (ß, ς). Every profile also rejects an empty result and one longer
 * than 1023 bytes of UTF-8, as MongooseIM's jid module does.
 */

/** Longest JID part MongooseIM accepts, in bytes of UTF-8, before and after preparation. */
export const MAX_JID_PART_BYTES = 1023;

// RFC 3454 table B.1: removed before anything else.
const MAPPED_TO_NOTHING = /[\u00AD\u034F\u1806\u180B-\u180D\u200B-\u200D\u2060\uFE00-\uFE0F\uFEFF]/gu;

// Tables C.1.2 and C.2.1–C.9, shared by all three profiles: non-ASCII spaces, controls and
// format characters, private use, surrogates, unassigned and non-characters, line and
// paragraph separators, ideographic description and deprecated display characters.
const PROHIBITED_EVERYWHERE =
  /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\u0340\u0341\u2FF0-\u2FFB\uFFF9-\uFFFD]/u;

// RFC 3920 appendix A.5: nodeprep also refuses ASCII space and these eight characters.
const PROHIBITED_IN_NODE = /[\s"&'/:<>@]/u;

// A domain part never contains a space or the two JID separators.
const PROHIBITED_IN_DOMAIN = /[\s@/]/u;

// RFC 3454 section 6, with right-to-left and left-to-right letters told apart by script
// instead of by tables D.1 and D.2.
const RTL_SCRIPT = String.raw`\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}`;
const RAND_AL = new RegExp(String.raw`(?=\p{L})[${RTL_SCRIPT}]`, "u");
const LEFT_TO_RIGHT = new RegExp(String.raw`(?![${RTL_SCRIPT}])\p{L}`, "u");

// IDNA label separators other than ".", after NFKC (RFC 3490 section 3.1).
const IDEOGRAPHIC_FULL_STOP = /\u3002/gu;

/**
 * Prepares a localpart (user or room name): case-folded and NFKC-normalised.
 * @returns the prepared string, or `null` when the nodeprep profile refuses the input.
 */
export function nodeprep(input: string): string | null {
  const prepared = prepare(input, true);
  if (prepared === null || PROHIBITED_IN_NODE.test(prepared)) return null;
  return prepared;
}

/**
 * Prepares a domain part: case-folded, NFKC-normalised, ideographic full stops turned into
 * dots, one trailing dot dropped; every dot-separated label must be non-empty.
 * @returns the prepared string, or `null` when the domain is refused.
 */
export function nameprep(input: string): string | null {
  const prepared = prepare(input, true);
  if (prepared === null || PROHIBITED_IN_DOMAIN.test(prepared)) return null;
  const dotted = prepared.replace(IDEOGRAPHIC_FULL_STOP, ".");
  const domain = dotted.endsWith(".") ? dotted.slice(0, -1) : dotted;
  if (domain.split(".").some((label) => label === "")) return null;
  return domain;
}

/**
 * Prepares a resource part: NFKC-normalised, case kept; ASCII space, `@` and `/` allowed.
 * @returns the prepared string, or `null` when the resourceprep profile refuses the input.
 */
export function resourceprep(input: string): string | null {
  return prepare(input, false);
}

/** Number of bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function prepare(input: string, caseFold: boolean): string | null {
  if (utf8Length(input) > MAX_JID_PART_BYTES) return null;
  let text = input.replace(MAPPED_TO_NOTHING, "").normalize("NFKC");
  // Folding can produce sequences that are not NFKC (RFC 3454 table B.2 is closed under it).
  if (caseFold) text = text.toLowerCase().replace(/ß/g, "ss").replace(/ς/g, "σ").normalize("NFKC");
  if (text === "" || utf8Length(text) > MAX_JID_PART_BYTES) return null;
  if (PROHIBITED_EVERYWHERE.test(text) || !bidiAllowed(text)) return null;
  return text;
}

function bidiAllowed(text: string): boolean {
  if (!RAND_AL.test(text)) return true;
  const chars = Array.from(text);
  return (
    !LEFT_TO_RIGHT.test(text) && RAND_AL.test(chars[0] ?? "") && RAND_AL.test(chars[chars.length - 1] ?? "")
  );
}
