import { xml, type Element } from "@xmpp/xml";

/*
 * vCards, XEP-0054 vcard-temp (https://xmpp.org/extensions/xep-0054.html): the vCard 3.0
 * properties of RFC 2426 as XML. Element names and their order follow the XEP's DTD (§4).
 *
 * Servers do not keep that order: ejabberd stores a vCard as a record and writes it back
 * in its own order (N before FN, `<PREF/><HOME/>`, `<LON/>` before `<LAT/>`). So nothing
 * read here depends on the order of elements that have no order in the DTD; only
 * repeated entries (several TEL, the LINEs of a LABEL) keep document order.
 */

/** XEP-0054: the vcard-temp namespace. */
export const NS_VCARD = "vcard-temp";

// The type flags of an entry, each list in the DTD's order.
export const ADDRESS_TAGS = ["HOME", "WORK", "POSTAL", "PARCEL", "DOM", "INTL", "PREF"] as const;
export const TELEPHONE_TAGS = [
  "HOME", "WORK", "VOICE", "FAX", "PAGER", "MSG", "CELL", "VIDEO", "BBS", "MODEM", "ISDN", "PCS", "PREF",
] as const;
export const EMAIL_TAGS = ["HOME", "WORK", "INTERNET", "PREF", "X400"] as const;
export const PRIVACY_TAGS = ["PUBLIC", "PRIVATE", "CONFIDENTIAL"] as const;

export type AddressTag = (typeof ADDRESS_TAGS)[number];
export type TelephoneTag = (typeof TELEPHONE_TAGS)[number];
export type EmailTag = (typeof EMAIL_TAGS)[number];
export type PrivacyTag = (typeof PRIVACY_TAGS)[number];

// ---------------------------------------------------------------------------------------
// The vCard as the API reports it (the GraphQL `Vcard`). Like MongooseIM's, a property the
// stored vCard does not have is left out (null in GraphQL), never an empty list; a
// sub-element that is present but empty reads as null.

export interface NameComponents {
  family?: string | null;
  givenName?: string | null;
  middleName?: string | null;
  prefix?: string | null;
  suffix?: string | null;
}
/** PHOTO/LOGO with TYPE and BINVAL: the GraphQL `ImageData`. */
export interface ImageData { type?: string | null; binValue?: string | null }
/** EXTVAL: the GraphQL `External` (images, sounds and agents). */
export interface External { extValue: string | null }
export type Image = ImageData | External;
export interface Address {
  tags?: AddressTag[];
  pobox?: string | null;
  extadd?: string | null;
  street?: string | null;
  locality?: string | null;
  region?: string | null;
  pcode?: string | null;
  country?: string | null;
}
export interface Label { tags?: AddressTag[]; line?: Array<string | null> }
export interface Telephone { tags?: TelephoneTag[]; number?: string | null }
export interface Email { tags?: EmailTag[]; userId?: string | null }
export interface GeographicalPosition { lat?: string | null; lon?: string | null }
/** AGENT with an embedded vCard: the GraphQL `AgentVcard`. */
export interface AgentVcard { vcard: Vcard }
export type Agent = AgentVcard | External;
export interface Organization { orgname?: string | null; orgunit?: Array<string | null> }
export interface Keyword { keyword?: Array<string | null> }
export interface Phonetic { phonetic: string | null }
export interface BinValue { binValue: string | null }
export type Sound = Phonetic | BinValue | External;
export interface Privacy { tags?: PrivacyTag[] }
export interface Key { type?: string | null; credential?: string | null }

export interface Vcard {
  formattedName?: string | null;
  nameComponents?: NameComponents | null;
  nickname?: string[];
  photo?: Image[];
  birthday?: string[];
  address?: Address[];
  label?: Label[];
  telephone?: Telephone[];
  email?: Email[];
  jabberId?: string[];
  mailer?: string[];
  timeZone?: string[];
  geo?: GeographicalPosition[];
  title?: string[];
  role?: string[];
  logo?: Image[];
  agent?: Agent[];
  org?: Organization[];
  categories?: Keyword[];
  note?: string[];
  prodId?: string[];
  rev?: string[];
  sortString?: string[];
  sound?: Sound[];
  uid?: string[];
  url?: string[];
  desc?: string[];
  class?: Privacy[];
  key?: Key[];
}

/** The GraphQL union member an Image stands for. */
export function imageTypeName(image: object): "ImageData" | "External" {
  return "extValue" in image ? "External" : "ImageData";
}
/** The GraphQL union member a Sound stands for. */
export function soundTypeName(sound: object): "Phonetic" | "BinValue" | "External" {
  return "phonetic" in sound ? "Phonetic" : "binValue" in sound ? "BinValue" : "External";
}
/** The GraphQL union member an Agent stands for. */
export function agentTypeName(agent: object): "AgentVcard" | "External" {
  return "vcard" in agent ? "AgentVcard" : "External";
}

// ---------------------------------------------------------------------------------------
// The vCard to publish (the GraphQL `VcardInput`); absent and null mean "no such property".

type Opt<T> = T | null | undefined;
type List<T> = Opt<ReadonlyArray<T>>;

export interface ImageInput { type?: Opt<string>; binValue?: Opt<string>; extValue?: Opt<string> }
export interface AgentInput { extValue?: Opt<string>; vcard?: Opt<VcardInput> }
export interface SoundInput { phonetic?: Opt<string>; binValue?: Opt<string>; extValue?: Opt<string> }

export interface VcardInput {
  formattedName: string;
  nameComponents: Opt<NameComponents>;
  nickname?: List<Opt<string>>;
  photo?: List<ImageInput>;
  birthday?: List<string>;
  address?: List<Omit<Address, "tags"> & { tags?: List<AddressTag> }>;
  label?: List<{ tags?: List<AddressTag>; line: ReadonlyArray<string> }>;
  telephone?: List<{ tags?: List<TelephoneTag>; number: string }>;
  email?: List<{ tags?: List<EmailTag>; userId: string }>;
  jabberId?: List<string>;
  mailer?: List<string>;
  timeZone?: List<string>;
  geo?: List<{ lat: string; lon: string }>;
  title?: List<string>;
  role?: List<string>;
  logo?: List<ImageInput>;
  agent?: List<AgentInput>;
  org?: List<{ orgname: string; orgunit?: List<string> }>;
  categories?: List<{ keyword?: List<string> }>;
  note?: List<string>;
  prodId?: List<string>;
  rev?: List<string>;
  sortString?: List<string>;
  sound?: List<SoundInput>;
  uid?: List<string>;
  url?: List<string>;
  desc?: List<string>;
  class?: List<{ tags?: List<PrivacyTag> }>;
  key?: List<{ type?: Opt<string>; credential: string }>;
}

// Simple text properties: GraphQL field → element.
const TEXT_PROPERTIES = {
  nickname: "NICKNAME",
  birthday: "BDAY",
  jabberId: "JABBERID",
  mailer: "MAILER",
  timeZone: "TZ",
  title: "TITLE",
  role: "ROLE",
  note: "NOTE",
  prodId: "PRODID",
  rev: "REV",
  sortString: "SORT-STRING",
  uid: "UID",
  url: "URL",
  desc: "DESC",
} as const satisfies Partial<Record<keyof Vcard, string>>;
type TextField = keyof typeof TEXT_PROPERTIES;

const NAME_PARTS = { family: "FAMILY", givenName: "GIVEN", middleName: "MIDDLE", prefix: "PREFIX", suffix: "SUFFIX" } as const;
const ADDRESS_PARTS = {
  pobox: "POBOX", extadd: "EXTADD", street: "STREET", locality: "LOCALITY", region: "REGION", pcode: "PCODE", country: "CTRY",
} as const;

/** `<iq type='get'><vCard xmlns='vcard-temp'/></iq>`, to a user's bare JID, or the caller's own without `to` (XEP-0054 §3.1, §3.3). */
export function buildVcardGet(to?: string): Element {
  return xml("iq", { type: "get", to }, xml("vCard", { xmlns: NS_VCARD }));
}

/** Publishes the caller's vCard, replacing the stored one (XEP-0054 §3.2); never addressed to anyone. */
export function buildVcardSet(vcard: VcardInput): Element {
  return xml("iq", { type: "set" }, buildVcard(vcard));
}

/** The `<vCard xmlns='vcard-temp'>` element for an input, properties in the DTD's order. */
export function buildVcard(v: VcardInput): Element {
  const texts = (field: TextField) => (v[field] ?? []).map((value) => (value == null ? null : leaf(TEXT_PROPERTIES[field], value)));
  return xml(
    "vCard",
    { xmlns: NS_VCARD },
    leaf("FN", v.formattedName),
    v.nameComponents && xml("N", {}, parts(NAME_PARTS, v.nameComponents)),
    texts("nickname"),
    (v.photo ?? []).map((image) => buildImage("PHOTO", image)),
    texts("birthday"),
    (v.address ?? []).map((a) => xml("ADR", {}, tags(a.tags, ADDRESS_TAGS), parts(ADDRESS_PARTS, a))),
    (v.label ?? []).map((l) => xml("LABEL", {}, tags(l.tags, ADDRESS_TAGS), l.line.map((line) => leaf("LINE", line)))),
    (v.telephone ?? []).map((t) => xml("TEL", {}, tags(t.tags, TELEPHONE_TAGS), leaf("NUMBER", t.number))),
    (v.email ?? []).map((e) => xml("EMAIL", {}, tags(e.tags, EMAIL_TAGS), leaf("USERID", e.userId))),
    texts("jabberId"),
    texts("mailer"),
    texts("timeZone"),
    (v.geo ?? []).map((g) => xml("GEO", {}, leaf("LAT", g.lat), leaf("LON", g.lon))),
    texts("title"),
    texts("role"),
    (v.logo ?? []).map((image) => buildImage("LOGO", image)),
    (v.agent ?? []).map((a) => xml("AGENT", {}, a.vcard ? buildVcard(a.vcard) : leaf("EXTVAL", a.extValue))),
    (v.org ?? []).map((o) => xml("ORG", {}, leaf("ORGNAME", o.orgname), (o.orgunit ?? []).map((u) => leaf("ORGUNIT", u)))),
    (v.categories ?? []).map((c) => xml("CATEGORIES", {}, (c.keyword ?? []).map((k) => leaf("KEYWORD", k)))),
    texts("note"),
    texts("prodId"),
    texts("rev"),
    texts("sortString"),
    (v.sound ?? []).map((s) =>
      xml("SOUND", {}, leaf("PHONETIC", s.phonetic), leaf("BINVAL", s.binValue), leaf("EXTVAL", s.extValue))),
    texts("uid"),
    texts("url"),
    (v.class ?? []).map((c) => xml("CLASS", {}, tags(c.tags, PRIVACY_TAGS))),
    (v.key ?? []).map((k) => xml("KEY", {}, leaf("TYPE", k.type), leaf("CRED", k.credential))),
    texts("desc"),
  );
}

function leaf(name: string, value: Opt<string>): Element | null {
  return value == null ? null : xml(name, {}, value);
}

function parts(names: Readonly<Record<string, string>>, values: object): Array<Element | null> {
  const record = values as Record<string, Opt<string>>;
  return Object.entries(names).map(([field, element]) => leaf(element, record[field]));
}

/** Tags are empty elements (`<HOME/>`) before the values, each once, in the DTD's order (`known`). */
function tags<T extends string>(list: List<T>, known: readonly T[]): Element[] {
  const given = new Set(list ?? []);
  return known.filter((tag) => given.has(tag)).map((tag) => xml(tag));
}

function buildImage(name: "PHOTO" | "LOGO", image: ImageInput): Element {
  return xml(name, {}, leaf("TYPE", image.type), leaf("BINVAL", image.binValue), leaf("EXTVAL", image.extValue));
}

// ---------------------------------------------------------------------------------------

/**
 * Reads the vCard out of a vcard-temp get result.
 * @returns the vCard, or null when the result carries none or an empty `<vCard/>` (which
 *          is how some servers answer for a user without one).
 */
export function parseVcardResult(reply: Element): Vcard | null {
  const vcard = reply.getChild("vCard", NS_VCARD);
  if (!vcard || vcard.getChildElements().length === 0) return null;
  return parseVcard(vcard);
}

/**
 * Converts a `<vCard/>` element into the API's shape, as MongooseIM's mod_vcard_api does:
 * repeated properties collect in document order, a property without a value is skipped,
 * FN and N keep the last one, unknown elements (VERSION, X-…) are ignored. Type flags
 * (`<HOME/>`, `<PREF/>` …) read in the DTD's order, so the result does not depend on how
 * the server ordered them. MongooseIM writes SORT-STRING as `SOR`; both names are read.
 */
export function parseVcard(el: Element): Vcard {
  const vcard: Vcard = {};
  const lists = vcard as Record<ListField, unknown[] | undefined>;
  const push = <K extends ListField>(field: K, item: ListItem<K> | null) => {
    if (item !== null) (lists[field] ??= [] as unknown[]).push(item);
  };
  for (const child of el.getChildElements()) {
    const element = child.name === "SOR" ? "SORT-STRING" : child.name;
    const textField = TEXT_FIELDS.get(element);
    if (textField) {
      push(textField, value(child));
      continue;
    }
    switch (element) {
      case "FN": {
        const name = value(child);
        if (name !== null) vcard.formattedName = name;
        break;
      }
      case "N":
        vcard.nameComponents = readParts(child, NAME_PARTS);
        break;
      case "PHOTO":
      case "LOGO":
        push(element === "PHOTO" ? "photo" : "logo", parseImage(child));
        break;
      case "ADR":
        push("address", withTags(child, ADDRESS_TAGS, readParts(child, ADDRESS_PARTS)));
        break;
      case "LABEL":
        push("label", withTags(child, ADDRESS_TAGS, withList(child, "LINE", "line", {})));
        break;
      case "TEL":
        push("telephone", withTags(child, TELEPHONE_TAGS, readParts(child, { number: "NUMBER" })));
        break;
      case "EMAIL":
        push("email", withTags(child, EMAIL_TAGS, readParts(child, { userId: "USERID" })));
        break;
      case "GEO":
        push("geo", readParts(child, { lat: "LAT", lon: "LON" }));
        break;
      case "AGENT":
        push("agent", parseAgent(child));
        break;
      case "ORG":
        push("org", withList(child, "ORGUNIT", "orgunit", readParts(child, { orgname: "ORGNAME" })));
        break;
      case "CATEGORIES":
        push("categories", withList(child, "KEYWORD", "keyword", {}));
        break;
      case "SOUND":
        push("sound", parseSound(child));
        break;
      case "CLASS":
        push("class", withTags(child, PRIVACY_TAGS, {}));
        break;
      case "KEY":
        push("key", readParts(child, { type: "TYPE", credential: "CRED" }));
        break;
    }
  }
  return vcard;
}

type ListField = { [K in keyof Vcard]-?: NonNullable<Vcard[K]> extends ReadonlyArray<unknown> ? K : never }[keyof Vcard];
type ListItem<K extends ListField> = NonNullable<Vcard[K]> extends ReadonlyArray<infer T> ? T : never;

const TEXT_FIELDS = new Map<string, TextField>(
  Object.entries(TEXT_PROPERTIES).map(([field, element]) => [element, field as TextField]),
);

/** An element's text; null when it is empty or holds elements rather than text. */
function value(el: Element | undefined): string | null {
  if (!el || el.getChildElements().length > 0) return null;
  const text = el.text();
  return text === "" ? null : text;
}

/** Sub-elements by name; one that is absent is left out, one that is empty reads as null. */
function readParts<F extends string>(el: Element, names: Readonly<Record<F, string>>): Partial<Record<F, string | null>> {
  const result: Partial<Record<F, string | null>> = {};
  for (const [field, element] of Object.entries(names) as Array<[F, string]>) {
    const child = lastChild(el, element);
    if (child) result[field] = value(child);
  }
  return result;
}

function lastChild(el: Element, name: string): Element | undefined {
  return el.getChildren(name).at(-1);
}

/**
 * Adds the known tag elements (e.g. `<HOME/>`) found in `el`, if any: each once and in the
 * DTD's order (`known`), whatever order the server stored them in, since they are flags.
 */
function withTags<T extends string, R extends object>(el: Element, known: readonly T[], result: R): R & { tags?: T[] } {
  const present = new Set(el.getChildElements().map((c) => c.name));
  const found = known.filter((tag) => present.has(tag));
  return found.length > 0 ? { ...result, tags: found } : result;
}

function withList<F extends string, R extends object>(el: Element, name: string, field: F, result: R): R & Partial<Record<F, Array<string | null>>> {
  const items = el.getChildren(name).map((c) => value(c));
  return items.length > 0 ? { ...result, [field]: items } : result;
}

// The union resolution follows MongooseIM's precedence: TYPE+BINVAL is ImageData, then
// EXTVAL is External; an entry with none of its elements cannot be represented and is
// left out.
function parseImage(el: Element): Image | null {
  const type = el.getChild("TYPE");
  const bin = el.getChild("BINVAL");
  const ext = el.getChild("EXTVAL");
  if (!(type && bin) && ext) return { extValue: value(ext) };
  if (!type && !bin) return null;
  return readParts(el, { type: "TYPE", binValue: "BINVAL" });
}

function parseSound(el: Element): Sound | null {
  const ext = el.getChild("EXTVAL");
  if (ext) return { extValue: value(ext) };
  const phonetic = el.getChild("PHONETIC");
  if (phonetic) return { phonetic: value(phonetic) };
  const bin = el.getChild("BINVAL");
  return bin ? { binValue: value(bin) } : null;
}

function parseAgent(el: Element): Agent | null {
  const ext = el.getChild("EXTVAL");
  if (ext) return { extValue: value(ext) };
  const vcard = el.getChild("vCard");
  return vcard ? { vcard: parseVcard(vcard) } : null;
}
