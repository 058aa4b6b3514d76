import { MAX_JID_PART_BYTES, nameprep, nodeprep, resourceprep } from "./stringprep.js";

/**
 * JID parsing and formatting (RFC 7622 section 3.1 for the split; the parts are prepared
 * by ./stringprep.ts the way MongooseIM's `jid:from_binary/1` prepares them).
 */

/** A parsed, normalised JID. `local` and `resource` are "" when absent. */
export interface Jid {
  readonly local: string;
  readonly domain: string;
  readonly resource: string;
}

/** Why a text is not an acceptable JID; MongooseIM's reason atoms. */
export type JidErrorReason = "failed_to_parse_jid" | "jid_without_local_part" | "jid_with_resource";

/** Thrown by the JID parsers; `reason` is the MongooseIM reason. */
export class JidError extends Error {
  constructor(readonly reason: JidErrorReason) {
    super(reason);
    this.name = "JidError";
  }
}

// Three parts of at most 1023 bytes plus "@" and "/": anything longer fails without
// normalising (one UTF-16 unit is at least one byte).
const MAX_JID_LENGTH = 3 * MAX_JID_PART_BYTES + 2;

/**
 * Parses any JID, domain-only and full JIDs included.
 * @returns the normalised parts.
 * @throws {JidError} `failed_to_parse_jid` when the text is not a valid JID.
 */
export function parseJid(text: string): Jid {
  const cached = parsed.get(text);
  if (cached) return cached;
  const jid = parseUncached(text);
  // The same few JIDs come back on every request; their normalisation showed in profiles.
  if (parsed.size >= PARSED_CACHE_SIZE) parsed.delete(parsed.keys().next().value!);
  parsed.set(text, jid);
  return jid;
}

const PARSED_CACHE_SIZE = 10_000;
const parsed = new Map<string, Jid>();

function parseUncached(text: string): Jid {
  if (text.length > MAX_JID_LENGTH) throw new JidError("failed_to_parse_jid");
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.slice(0, slash);
  const at = address.indexOf("@");
  const local = at === -1 ? "" : nodeprep(address.slice(0, at));
  const domain = nameprep(at === -1 ? address : address.slice(at + 1));
  const resource = slash === -1 ? "" : resourceprep(text.slice(slash + 1));
  if (local === null || domain === null || resource === null) throw new JidError("failed_to_parse_jid");
  return Object.freeze({ local, domain, resource });
}

/**
 * Parses a JID that names a user or room: it must have a local part, may have a resource.
 * @throws {JidError} `failed_to_parse_jid` or `jid_without_local_part`.
 */
export function parseUserJid(text: string): Jid {
  const jid = parseJid(text);
  if (jid.local === "") throw new JidError("jid_without_local_part");
  return jid;
}

/**
 * Parses a bare JID: a local part and no resource.
 * @throws {JidError} `failed_to_parse_jid`, `jid_without_local_part` or `jid_with_resource`.
 */
export function parseBareJid(text: string): Jid {
  const jid = parseUserJid(text);
  if (jid.resource !== "") throw new JidError("jid_with_resource");
  return jid;
}

/** @returns the JID as text: `local@domain/resource`, leaving out absent parts. */
export function formatJid(jid: Jid): string {
  const address = jid.local === "" ? jid.domain : `${jid.local}@${jid.domain}`;
  return jid.resource === "" ? address : `${address}/${jid.resource}`;
}

/** @returns the bare form of `jid` (its resource dropped). */
export function bareJid(jid: Jid): Jid {
  return { local: jid.local, domain: jid.domain, resource: "" };
}

// JIDs as text. Addresses the server sends (and those the scalars already parsed) are
// prepared, so these only cut the text; the bare part is lower-cased so that comparisons
// do not depend on how a server spells case-insensitive parts. Splitting JID text by hand
// happens here and nowhere else.

/** The bare part of a JID text (`local@domain`, or the domain), lower-cased. */
export function bareOf(jid: string): string {
  const slash = jid.indexOf("/");
  return (slash === -1 ? jid : jid.slice(0, slash)).toLowerCase();
}

/** The resource of a JID text, or undefined when it has none (an empty one counts as none). */
export function resourceOf(jid: string): string | undefined {
  const slash = jid.indexOf("/");
  return slash === -1 || slash === jid.length - 1 ? undefined : jid.slice(slash + 1);
}

/** The domain of a JID text (`local@domain/resource` or any part of it), lower-cased. */
export function domainOfJid(jid: string): string {
  const bare = bareOf(jid);
  return bare.slice(bare.indexOf("@") + 1);
}

/** The local part of a JID text, or the whole bare part when it has none. */
export function localOf(jid: string): string {
  const bare = bareOf(jid);
  const at = bare.indexOf("@");
  return at === -1 ? bare : bare.slice(0, at);
}

/** Whether a JID text has a local part (names a user or a room rather than a server or service). */
export function hasLocal(jid: string): boolean {
  return bareOf(jid).includes("@");
}
