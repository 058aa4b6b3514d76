import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { SERVER } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const NS = "vcard-temp";

const gw = useGateway();

const raw = (user: SandboxUser) => gw.connect(user, { presence: false });

/** Every Vcard field; the agent's vCard one level deep (GraphQL fragments cannot recurse). */
function vcardFields(depth = 1): string {
  const agent = depth > 0
    ? `agent { __typename ... on AgentVcard { vcard { ${vcardFields(depth - 1)} } } ... on External { extValue } }`
    : "agent { __typename ... on External { extValue } }";
  const image = "__typename ... on ImageData { type binValue } ... on External { extValue }";
  return `formattedName nameComponents { family givenName middleName prefix suffix } nickname photo { ${image} }
    birthday address { tags pobox extadd street locality region pcode country } label { tags line }
    telephone { tags number } email { tags userId } jabberId mailer timeZone geo { lat lon } title role
    logo { ${image} } ${agent} org { orgname orgunit } categories { keyword } note prodId rev sortString
    sound { __typename ... on Phonetic { phonetic } ... on BinValue { binValue } ... on External { extValue } }
    uid url desc class { tags } key { type credential }`;
}

const GET = `query($user: JID) { vcard { getVcard(user: $user) { ${vcardFields()} } } }`;
const SET = `mutation($vcard: VcardInput!) { vcard { setVcard(vcard: $vcard) { ${vcardFields()} } } }`;

/** MongooseIM's own suite compares after dropping nulls; we also drop the union typenames. */
function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).filter(([k, v]) => v !== null && k !== "__typename").map(([k, v]) => [k, comparable(v)]),
    );
  }
  return value;
}

const AGENT_VCARD = {
  formattedName: "Agent Smith",
  nameComponents: { family: "Smith", givenName: "Agent" },
  email: [{ tags: ["WORK"], userId: "smith@example.com" }],
  photo: [{ extValue: "https://example.com/smith.png" }],
  agent: [{ extValue: "https://example.com/smith-boss.vcf" }],
};

const COMPLETE = {
  formattedName: "Dr. Alice Q. Liddell Jr.",
  nameComponents: { family: "Liddell", givenName: "Alice", middleName: "Q.", prefix: "Dr.", suffix: "Jr." },
  nickname: ["Ali", "Wonder <&> girl"],
  photo: [{ type: "image/png", binValue: "iVBORw0KGgo=" }, { extValue: "https://example.com/alice.jpg" }],
  birthday: ["1852-05-04", "1852-05-05"],
  address: [
    { tags: ["HOME", "POSTAL", "PREF"], pobox: "PO 1", extadd: "Flat 2", street: "1 Rabbit Hole", locality: "Oxford",
      region: "Oxfordshire", pcode: "OX1 1AA", country: "UK" },
    { tags: ["WORK", "PARCEL", "INTL"], street: "Christ Church", locality: "Oxford", country: "United Kingdom" },
    { tags: ["DOM"], pobox: "PO 9" },
  ],
  label: [
    { tags: ["HOME", "POSTAL"], line: ["Alice Liddell", "1 Rabbit Hole", "Oxford"] },
    { tags: ["WORK", "INTL", "PREF"], line: ["Christ Church"] },
  ],
  telephone: [
    { tags: ["HOME", "VOICE", "PREF"], number: "+44 1865 000001" },
    { tags: ["WORK", "FAX", "PAGER", "MSG"], number: "+44 1865 000002" },
    { tags: ["CELL", "VIDEO", "BBS", "MODEM", "ISDN", "PCS"], number: "+44 7700 900003" },
  ],
  email: [
    { tags: ["HOME", "INTERNET", "PREF"], userId: "alice@example.com" },
    { tags: ["WORK", "X400"], userId: "c=GB;a=;p=ChristChurch;s=Liddell" },
  ],
  jabberId: ["alice@example.com", "alice@wonderland.example"],
  mailer: ["Looking-Glass Mail 1.0", "Pigeon"],
  timeZone: ["+00:00", "-05:00"],
  geo: [{ lat: "51.7520", lon: "-1.2577" }, { lat: "0.0", lon: "0.0" }],
  title: ["Muse", "Heroine"],
  role: ["Protagonist", "Queen"],
  logo: [{ extValue: "https://example.com/logo.svg" }, { type: "image/gif", binValue: "R0lGODlhAQABAAAAACw=" }],
  agent: [{ vcard: AGENT_VCARD }, { extValue: "https://example.com/cheshire.vcf" }],
  org: [{ orgname: "Christ Church", orgunit: ["Deanery", "Nursery"] }, { orgname: "Wonderland" }],
  categories: [{ keyword: ["fiction", "victorian"] }, { keyword: ["oxford"] }],
  note: ["Curiouser and curiouser!", "Second note"],
  prodId: ["-//xmpp-graphql//test//EN", "other"],
  rev: ["2026-11-22T20:00:00Z", "2026-11-23T08:00:00Z"],
  sortString: ["Liddell", "Alice"],
  sound: [{ phonetic: "AL-iss LID-el" }, { binValue: "UklGRiQAAABXQVZF" }, { extValue: "https://example.com/alice.wav" }],
  uid: ["urn:uuid:0b0e6f5a-0000-4000-8000-000000000001", "second-uid"],
  url: ["https://example.com/~alice", "https://wonderland.example"],
  desc: ["Fell down a rabbit hole.", "Went through the looking-glass."],
  class: [{ tags: ["PUBLIC"] }, { tags: ["CONFIDENTIAL", "PRIVATE"] }],
  key: [{ type: "x509", credential: "MIIBIjANBgkq" }, { credential: "-----BEGIN PGP PUBLIC KEY BLOCK-----" }],
};

/** COMPLETE as the API answers it: tags in XEP-0054's DTD order, whatever order they were given in (CLASS's were not). */
const COMPLETE_READ = { ...COMPLETE, class: [{ tags: ["PUBLIC"] }, { tags: ["PRIVATE", "CONFIDENTIAL"] }] };

/**
 * Documented difference: ejabberd (23.01) stores a vCard through a fixed record (p1_xmpp's
 * `vcard_temp`) with room for one value of every property but ADR, LABEL, TEL and EMAIL (and
 * AGENT, which it keeps as raw XML): of repeated NICKNAME, PHOTO, ORG … it keeps the last
 * given, and of a CLASS's tags one. Prosody stores the vCard as given.
 */
const ONE_VALUE_ONLY = SERVER === "ejabberd";
const REPEATABLE = new Set(["address", "label", "telephone", "email", "agent"]);
/** What the server keeps of a list property (see {@link ONE_VALUE_ONLY}). */
const kept = <T>(field: string, list: readonly T[]): T[] => (ONE_VALUE_ONLY && !REPEATABLE.has(field) ? list.slice(-1) : [...list]);
/** What the server keeps of COMPLETE_READ, the last tag of CLASS being the one last written. */
const COMPLETE_KEPT = Object.fromEntries(Object.entries(COMPLETE_READ).map(([field, value]: [string, unknown]) => [
  field,
  !Array.isArray(value) ? value
  : field === "class" && ONE_VALUE_ONLY ? kept(field, COMPLETE_READ.class).map((c) => ({ tags: c.tags.slice(-1) }))
  : kept(field, value),
])) as unknown as typeof COMPLETE_READ;

async function ownVcardSeenBy(client: RawClient): Promise<Element> {
  const reply = await client.iq(xml("iq", { type: "get" }, xml("vCard", { xmlns: NS })));
  return reply.getChild("vCard", NS)!;
}

const texts = (el: Element, name: string) => el.getChildren(name).map((c) => c.text());
/** Element names, sorted: XEP-0054 gives no order to an entry's tags or sub-elements, and ejabberd changes it. */
const sorted = (names: readonly string[]) => [...names].sort();
const tagsOf = (el: Element, ...values: string[]) =>
  sorted(el.getChildElements().filter((c) => c.children.length === 0 && !values.includes(c.name)).map((c) => c.name));

describe("vcard setVcard/getVcard", () => {
  it("stores a vCard with every field and reads back what the server keeps of it, through the API and over XMPP", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const set = await gw.gql(SET, { vcard: COMPLETE }, alice);
    expect(set.body.errors).toBeUndefined();
    const stored = set.body.data.vcard.setVcard;
    const E = COMPLETE_KEPT;
    expect(comparable(stored)).toEqual(E);

    // Union members resolve to the right GraphQL types.
    expect(stored.photo.map((i: { __typename: string }) => i.__typename)).toEqual(kept("photo", ["ImageData", "External"]));
    expect(stored.logo.map((i: { __typename: string }) => i.__typename)).toEqual(kept("logo", ["External", "ImageData"]));
    expect(stored.sound.map((s: { __typename: string }) => s.__typename)).toEqual(kept("sound", ["Phonetic", "BinValue", "External"]));
    expect(stored.agent.map((a: { __typename: string }) => a.__typename)).toEqual(["AgentVcard", "External"]);
    // MongooseIM's shape: what was not set is null, not an empty list.
    expect(stored.agent[0].vcard).toMatchObject({ nickname: null, address: null, nameComponents: { middleName: null } });
    expect(stored.org.at(-1).orgunit).toBeNull();
    expect(stored.address[1]).toMatchObject({ pobox: null, pcode: null });

    const own = await gw.gql(GET, {}, alice);
    expect(own.body.data.vcard.getVcard).toEqual(stored);
    const byBob = await gw.gql(GET, { user: alice!.jid }, bob);
    expect(byBob.body.data.vcard.getVcard).toEqual(stored);

    // What the server holds, read by an independent client of the same account.
    // Entries keep their order; their tags and sub-elements are compared as sets.
    const v = await ownVcardSeenBy(await raw(alice!));
    expect(v.getChildText("FN")).toBe(COMPLETE.formattedName);
    expect(Object.fromEntries(v.getChild("N")!.getChildElements().map((c) => [c.name, c.text()]))).toEqual({
      FAMILY: "Liddell", GIVEN: "Alice", MIDDLE: "Q.", PREFIX: "Dr.", SUFFIX: "Jr.",
    });
    expect(texts(v, "NICKNAME")).toEqual(E.nickname);
    const photos = v.getChildren("PHOTO");
    expect(photos.map((p) => [p.getChildText("TYPE"), p.getChildText("BINVAL"), p.getChildText("EXTVAL")])).toEqual(kept("photo", [
      ["image/png", "iVBORw0KGgo=", null], [null, null, "https://example.com/alice.jpg"],
    ]));
    expect(texts(v, "BDAY")).toEqual(E.birthday);
    const adr = v.getChildren("ADR");
    expect(adr.map((a) => tagsOf(a, "POBOX", "EXTADD", "STREET", "LOCALITY", "REGION", "PCODE", "CTRY"))).toEqual([
      sorted(["HOME", "POSTAL", "PREF"]), sorted(["WORK", "PARCEL", "INTL"]), ["DOM"],
    ]);
    expect(["POBOX", "EXTADD", "STREET", "LOCALITY", "REGION", "PCODE", "CTRY"].map((n) => adr[0]!.getChildText(n))).toEqual([
      "PO 1", "Flat 2", "1 Rabbit Hole", "Oxford", "Oxfordshire", "OX1 1AA", "UK",
    ]);
    expect(adr[2]!.getChildText("STREET")).toBeNull();
    const labels = v.getChildren("LABEL");
    expect(labels.map((l) => [tagsOf(l), texts(l, "LINE")])).toEqual([
      [sorted(["HOME", "POSTAL"]), ["Alice Liddell", "1 Rabbit Hole", "Oxford"]], [sorted(["WORK", "INTL", "PREF"]), ["Christ Church"]],
    ]);
    expect(v.getChildren("TEL").map((t) => [tagsOf(t), t.getChildText("NUMBER")])).toEqual(
      COMPLETE.telephone.map((t) => [sorted(t.tags), t.number]),
    );
    expect(v.getChildren("EMAIL").map((e) => [tagsOf(e), e.getChildText("USERID")])).toEqual(
      COMPLETE.email.map((e) => [sorted(e.tags), e.userId]),
    );
    expect(texts(v, "JABBERID")).toEqual(E.jabberId);
    expect(texts(v, "MAILER")).toEqual(E.mailer);
    expect(texts(v, "TZ")).toEqual(E.timeZone);
    expect(v.getChildren("GEO").map((g) => [g.getChildText("LAT"), g.getChildText("LON")])).toEqual(
      kept("geo", [["51.7520", "-1.2577"], ["0.0", "0.0"]]),
    );
    expect(texts(v, "TITLE")).toEqual(E.title);
    expect(texts(v, "ROLE")).toEqual(E.role);
    expect(v.getChildren("LOGO").map((l) => sorted(l.getChildElements().map((c) => c.name)))).toEqual(
      kept("logo", [["EXTVAL"], sorted(["TYPE", "BINVAL"])]),
    );
    const agents = v.getChildren("AGENT");
    const agentCard = agents[0]!.getChild("vCard", NS)!;
    expect(agentCard.getChildText("FN")).toBe("Agent Smith");
    expect(agentCard.getChild("EMAIL")!.getChildText("USERID")).toBe("smith@example.com");
    expect(agentCard.getChild("AGENT")!.getChildText("EXTVAL")).toBe("https://example.com/smith-boss.vcf");
    expect(agents[1]!.getChildText("EXTVAL")).toBe("https://example.com/cheshire.vcf");
    expect(v.getChildren("ORG").map((o) => [o.getChildText("ORGNAME"), texts(o, "ORGUNIT")])).toEqual(kept("org", [
      ["Christ Church", ["Deanery", "Nursery"]], ["Wonderland", []],
    ]));
    expect(v.getChildren("CATEGORIES").map((c) => texts(c, "KEYWORD"))).toEqual(kept("categories", [["fiction", "victorian"], ["oxford"]]));
    expect(texts(v, "NOTE")).toEqual(E.note);
    expect(texts(v, "PRODID")).toEqual(E.prodId);
    expect(texts(v, "REV")).toEqual(E.rev);
    expect(texts(v, "SORT-STRING")).toEqual(E.sortString);
    expect(v.getChildren("SOUND").map((s) => s.getChildElements().map((c) => `${c.name}=${c.text()}`))).toEqual(kept("sound", [
      ["PHONETIC=AL-iss LID-el"], ["BINVAL=UklGRiQAAABXQVZF"], ["EXTVAL=https://example.com/alice.wav"],
    ]));
    expect(texts(v, "UID")).toEqual(E.uid);
    expect(texts(v, "URL")).toEqual(E.url);
    expect(texts(v, "DESC")).toEqual(E.desc);
    expect(v.getChildren("CLASS").map((c) => tagsOf(c))).toEqual(E.class.map((c) => sorted(c.tags)));
    expect(v.getChildren("KEY").map((k) => [k.getChildText("TYPE"), k.getChildText("CRED")])).toEqual(kept("key", [
      ["x509", "MIIBIjANBgkq"], [null, "-----BEGIN PGP PUBLIC KEY BLOCK-----"],
    ]));
  });

  it("replaces the whole vCard: properties left out of a later set are gone", async () => {
    const alice = await gw.sandbox.createUser();
    await gw.gql(SET, { vcard: COMPLETE }, alice);
    const minimal = { formattedName: "Alice", nameComponents: {} };
    const r = await gw.gql(SET, { vcard: minimal }, alice);
    expect(comparable(r.body.data.vcard.setVcard)).toEqual(minimal);
    const v = await ownVcardSeenBy(await raw(alice!));
    expect(sorted(v.getChildElements().map((c) => c.name))).toEqual(["FN", "N"]);
  });

  it("reads a vCard published by another client, MongooseIM-style (known fields only, nulls for the rest)", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const bobClient = await raw(bob!);
    // Tags after the value and out of the DTD's order: they read in the DTD's order.
    await bobClient.iq(xml("iq", { type: "set" }, xml("vCard", { xmlns: NS },
      xml("VERSION", {}, "3.0"), xml("FN", {}, "Bob"),
      xml("EMAIL", {}, xml("USERID", {}, "b1@example.com"), xml("WORK"), xml("HOME")),
      xml("EMAIL", {}, xml("USERID", {}, "b2@example.com"), xml("HOME")),
      xml("X-CUSTOM", {}, "ignored"),
    )));
    const r = await gw.gql(GET, { user: `${bob!.jid}/some-resource` }, alice);
    expect(comparable(r.body.data.vcard.getVcard)).toEqual({
      formattedName: "Bob",
      email: [{ userId: "b1@example.com", tags: ["HOME", "WORK"] }, { userId: "b2@example.com", tags: ["HOME"] }],
    });
    expect(r.body.data.vcard.getVcard).toMatchObject({ nameComponents: null, nickname: null, photo: null });
  });
});

describe("vcard errors", () => {
  const notFound = (user: string) => ({
    message: "Vcard for user not found", path: ["vcard", "getVcard"], extensions: { code: "vcard_not_found", user },
  });

  it("answers vcard_not_found for the caller's own missing vCard", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(GET, {}, alice);
    expect(r.status).toBe(200);
    expect(r.body.data.vcard.getVcard).toBeNull();
    expect(r.body.errors![0]).toMatchObject(notFound(alice!.jid));
  });

  it("answers vcard_not_found for another user without a vCard, and for an empty vCard", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    expect((await gw.gql(GET, { user: bob!.jid }, alice)).body.errors![0]).toMatchObject(notFound(bob!.jid));
    await (await raw(bob!)).iq(xml("iq", { type: "set" }, xml("vCard", { xmlns: NS })));
    expect((await gw.gql(GET, { user: bob!.jid }, alice)).body.errors![0]).toMatchObject(notFound(bob!.jid));
  });

  it("cannot tell a missing account on the caller's own domain from a missing vCard (Prosody answers the same)", async () => {
    const alice = await gw.sandbox.createUser();
    const ghost = `nobody-${Date.now()}@${gw.sandbox.domain}`;
    expect((await gw.gql(GET, { user: ghost }, alice)).body.errors![0]).toMatchObject(notFound(ghost));
  });

  it("answers user_not_found for a user on a domain the server cannot reach", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(GET, { user: "eddie@otherhost.invalid" }, alice);
    expect(r.body.data.vcard.getVcard).toBeNull();
    expect(r.body.errors![0]).toMatchObject({
      message: "User's domain does not exist", extensions: { code: "user_not_found", user: "eddie@otherhost.invalid" },
    });
  });

  it("rejects malformed arguments before execution", async () => {
    const alice = await gw.sandbox.createUser();
    const badJid = await gw.gql(GET, { user: "test@" }, alice);
    expect(badJid.status).toBe(400);
    expect(badJid.body.errors![0]!.extensions).toMatchObject({ code: "input_coercion" });
    for (const vcard of [
      { nameComponents: {} }, // formattedName is required
      { formattedName: "A", nameComponents: {}, telephone: [{ tags: ["MOBILE"], number: "1" }] }, // not a TelephoneTags value
      { formattedName: "A", nameComponents: {}, telephone: [{ tags: ["CELL"] }] }, // number is required
    ]) {
      const r = await gw.gql(SET, { vcard }, alice);
      expect(r.status).toBe(400);
      expect(r.body.errors![0]!.extensions).toMatchObject({ code: "type_mismatch" });
    }
    expect((await gw.gql(GET, {}, alice)).body.errors![0]!.extensions).toMatchObject({ code: "vcard_not_found" });
  });

  it("refuses a union input that is not exactly one variant, and stores nothing", async () => {
    const alice = await gw.sandbox.createUser();
    const vcard = {
      formattedName: "A", nameComponents: {},
      agent: [{ vcard: { formattedName: "B", nameComponents: {}, sound: [{ phonetic: "p", extValue: "e" }] } }],
    };
    const r = await gw.gql(SET, { vcard }, alice);
    expect(r.status).toBe(200);
    expect(r.body.data.vcard.setVcard).toBeNull();
    expect(r.body.errors![0]).toMatchObject({ extensions: { code: "invalid_input", field: "vcard.agent[0].vcard.sound[0]" } });
    expect((await gw.gql(GET, {}, alice)).body.errors![0]!.extensions).toMatchObject({ code: "vcard_not_found" });
  });

  it("needs credentials", async () => {
    const r = await gw.gql(GET, {}, null);
    expect(r.status).toBe(401);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "no_permissions" });
  });
});
