import { describe, expect, it } from "vitest";
import {
  NS_VCARD, agentTypeName, buildVcard, buildVcardGet, buildVcardSet, imageTypeName, parseVcard, parseVcardResult,
  soundTypeName, type VcardInput,
} from "../../src/vcard/vcard.stanzas.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

function vcardXml(inner: string) {
  return parseXmlElement(`<vCard xmlns='${NS_VCARD}'>${inner}</vCard>`);
}

const MINIMAL: VcardInput = { formattedName: "Alice", nameComponents: {} };

describe("vcard-temp builders (XEP-0054)", () => {
  it("builds a get for the caller's own vCard without `to`, and for another user's bare JID", () => {
    expect(buildVcardGet().toString()).toBe(`<iq type="get"><vCard xmlns="${NS_VCARD}"/></iq>`);
    expect(buildVcardGet("bob@localhost").toString()).toBe(`<iq type="get" to="bob@localhost"><vCard xmlns="${NS_VCARD}"/></iq>`);
  });

  it("builds a set that is never addressed, with FN and an empty N", () => {
    expect(buildVcardSet(MINIMAL).toString()).toBe(
      `<iq type="set"><vCard xmlns="${NS_VCARD}"><FN>Alice</FN><N/></vCard></iq>`,
    );
  });

  it("writes the name parts under their XEP element names, leaving out absent ones", () => {
    const n = buildVcard({ formattedName: "x", nameComponents: { family: "F", givenName: "G", middleName: null, prefix: "Dr.", suffix: "Jr." } })
      .getChild("N")!;
    expect(n.toString()).toBe("<N><FAMILY>F</FAMILY><GIVEN>G</GIVEN><PREFIX>Dr.</PREFIX><SUFFIX>Jr.</SUFFIX></N>");
  });

  it("writes repeated text properties as repeated elements, skipping null items, with XEP names", () => {
    const el = buildVcard({
      ...MINIMAL,
      nickname: ["a", null, "b"], birthday: ["2000-01-01"], jabberId: ["a@b"], mailer: ["m"], timeZone: ["+01:00"],
      title: ["t"], role: ["r"], note: ["n"], prodId: ["p"], rev: ["2020-01-01T00:00:00Z"], sortString: ["s"], uid: ["u"],
      url: ["http://x"], desc: ["d"],
    });
    expect(el.getChildren("NICKNAME").map((c) => c.text())).toEqual(["a", "b"]);
    const names = el.getChildElements().map((c) => c.name);
    expect(names).toEqual([
      "FN", "N", "NICKNAME", "NICKNAME", "BDAY", "JABBERID", "MAILER", "TZ", "TITLE", "ROLE", "NOTE", "PRODID", "REV",
      "SORT-STRING", "UID", "URL", "DESC",
    ]);
  });

  it("writes tags as empty elements before the values, each once, in the DTD's order whatever the order given", () => {
    const el = buildVcard({
      ...MINIMAL,
      address: [{ tags: ["WORK", "HOME", "INTL", "HOME"], pobox: "1", extadd: "2", street: "3", locality: "4", region: "5", pcode: "6", country: "7" }],
      label: [{ tags: ["PREF", "POSTAL"], line: ["l1", "l2"] }],
      telephone: [{ tags: ["PREF", "CELL", "VOICE"], number: "+1" }],
      email: [{ tags: ["X400", "INTERNET"], userId: "a@x" }],
      class: [{ tags: ["CONFIDENTIAL", "PRIVATE"] }],
    });
    expect(el.getChild("ADR")!.toString()).toBe(
      "<ADR><HOME/><WORK/><INTL/><POBOX>1</POBOX><EXTADD>2</EXTADD><STREET>3</STREET><LOCALITY>4</LOCALITY>" +
        "<REGION>5</REGION><PCODE>6</PCODE><CTRY>7</CTRY></ADR>",
    );
    expect(el.getChild("LABEL")!.toString()).toBe("<LABEL><POSTAL/><PREF/><LINE>l1</LINE><LINE>l2</LINE></LABEL>");
    expect(el.getChild("TEL")!.toString()).toBe("<TEL><VOICE/><CELL/><PREF/><NUMBER>+1</NUMBER></TEL>");
    expect(el.getChild("EMAIL")!.toString()).toBe("<EMAIL><INTERNET/><X400/><USERID>a@x</USERID></EMAIL>");
    expect(el.getChild("CLASS")!.toString()).toBe("<CLASS><PRIVATE/><CONFIDENTIAL/></CLASS>");
  });

  it("writes both image variants, sounds, agents, org, categories, geo and key", () => {
    const el = buildVcard({
      ...MINIMAL,
      photo: [{ type: "image/png", binValue: "AAAA" }, { extValue: "http://p" }],
      logo: [{ extValue: "http://l" }],
      sound: [{ phonetic: "ah-lis" }, { binValue: "BBBB" }, { extValue: "http://s" }],
      agent: [{ vcard: { formattedName: "Agent", nameComponents: { family: "A" }, email: [{ userId: "ag@x" }] } }, { extValue: "http://a" }],
      org: [{ orgname: "Org", orgunit: ["U1", "U2"] }, { orgname: "Solo" }],
      categories: [{ keyword: ["k1", "k2"] }],
      geo: [{ lat: "1.5", lon: "-2.25" }],
      key: [{ type: "pgp", credential: "KEY" }, { credential: "ONLY" }],
    });
    expect(el.getChildren("PHOTO").map(String)).toEqual([
      "<PHOTO><TYPE>image/png</TYPE><BINVAL>AAAA</BINVAL></PHOTO>", "<PHOTO><EXTVAL>http://p</EXTVAL></PHOTO>",
    ]);
    expect(String(el.getChild("LOGO"))).toBe("<LOGO><EXTVAL>http://l</EXTVAL></LOGO>");
    expect(el.getChildren("SOUND").map(String)).toEqual([
      "<SOUND><PHONETIC>ah-lis</PHONETIC></SOUND>", "<SOUND><BINVAL>BBBB</BINVAL></SOUND>", "<SOUND><EXTVAL>http://s</EXTVAL></SOUND>",
    ]);
    expect(el.getChildren("AGENT").map(String)).toEqual([
      `<AGENT><vCard xmlns="${NS_VCARD}"><FN>Agent</FN><N><FAMILY>A</FAMILY></N><EMAIL><USERID>ag@x</USERID></EMAIL></vCard></AGENT>`,
      "<AGENT><EXTVAL>http://a</EXTVAL></AGENT>",
    ]);
    expect(el.getChildren("ORG").map(String)).toEqual([
      "<ORG><ORGNAME>Org</ORGNAME><ORGUNIT>U1</ORGUNIT><ORGUNIT>U2</ORGUNIT></ORG>", "<ORG><ORGNAME>Solo</ORGNAME></ORG>",
    ]);
    expect(String(el.getChild("CATEGORIES"))).toBe("<CATEGORIES><KEYWORD>k1</KEYWORD><KEYWORD>k2</KEYWORD></CATEGORIES>");
    expect(String(el.getChild("GEO"))).toBe("<GEO><LAT>1.5</LAT><LON>-2.25</LON></GEO>");
    expect(el.getChildren("KEY").map(String)).toEqual(["<KEY><TYPE>pgp</TYPE><CRED>KEY</CRED></KEY>", "<KEY><CRED>ONLY</CRED></KEY>"]);
  });

  it("escapes text", () => {
    expect(buildVcard({ ...MINIMAL, formattedName: "<A & B>" }).toString()).toContain("<FN>&lt;A &amp; B&gt;</FN>");
  });
});

describe("vcard-temp parser", () => {
  it("reads nothing from a result without a vCard or with an empty one", () => {
    expect(parseVcardResult(parseXmlElement("<iq type='result'/>"))).toBeNull();
    expect(parseVcardResult(parseXmlElement(`<iq type='result'><vCard xmlns='${NS_VCARD}'/></iq>`))).toBeNull();
    expect(parseVcardResult(parseXmlElement(`<iq type='result'><vCard xmlns='other'><FN>x</FN></vCard></iq>`))).toBeNull();
  });

  it("reads a vCard with only unknown properties as all null, like MongooseIM", () => {
    expect(parseVcardResult(parseXmlElement(`<iq type='result'><vCard xmlns='${NS_VCARD}'><VERSION>3.0</VERSION></vCard></iq>`)))
      .toEqual({});
  });

  it("leaves absent properties out rather than reporting empty lists, and skips empty text properties", () => {
    expect(parseVcard(vcardXml("<FN>Alice</FN><NOTE/><NICKNAME>al</NICKNAME><NICKNAME></NICKNAME>"))).toEqual({
      formattedName: "Alice", nickname: ["al"],
    });
  });

  it("keeps the last non-empty FN and the last N; an empty N has every part null", () => {
    expect(parseVcard(vcardXml("<FN>A</FN><FN>B</FN><FN/><N><FAMILY>x</FAMILY></N><N/>"))).toEqual({
      formattedName: "B", nameComponents: {},
    });
    expect(parseVcard(vcardXml("<N><FAMILY>F</FAMILY><GIVEN>G</GIVEN><MIDDLE/><PREFIX>P</PREFIX><SUFFIX>S</SUFFIX></N>")).nameComponents)
      .toEqual({ family: "F", givenName: "G", middleName: null, prefix: "P", suffix: "S" });
  });

  it("maps tag elements to tags and leaves tags out when there are none; unknown tags are ignored", () => {
    const v = parseVcard(vcardXml(
      "<ADR><HOME/><X-CUSTOM/><POSTAL/><STREET>s</STREET><CTRY>PL</CTRY><PCODE/></ADR><ADR><LOCALITY>l</LOCALITY></ADR>" +
        "<TEL><CELL/><PCS/><NUMBER>1</NUMBER></TEL><EMAIL><X400/><USERID>u</USERID></EMAIL>" +
        "<LABEL><DOM/><LINE>a</LINE><LINE/></LABEL><CLASS><PUBLIC/></CLASS><CLASS/>",
    ));
    expect(v.address).toEqual([
      { tags: ["HOME", "POSTAL"], street: "s", country: "PL", pcode: null },
      { locality: "l" },
    ]);
    expect(v.telephone).toEqual([{ tags: ["CELL", "PCS"], number: "1" }]);
    expect(v.email).toEqual([{ tags: ["X400"], userId: "u" }]);
    expect(v.label).toEqual([{ tags: ["DOM"], line: ["a", null] }]);
    expect(v.class).toEqual([{ tags: ["PUBLIC"] }, {}]);
  });

  it("reads images, sounds and agents into their union members with MongooseIM's precedence", () => {
    const v = parseVcard(vcardXml(
      "<PHOTO><TYPE>image/png</TYPE><BINVAL>AAAA</BINVAL></PHOTO><PHOTO><EXTVAL>http://p</EXTVAL></PHOTO>" +
        "<PHOTO><BINVAL>CCCC</BINVAL></PHOTO><PHOTO/><LOGO><TYPE>t</TYPE><EXTVAL>http://l</EXTVAL></LOGO>" +
        "<SOUND><PHONETIC>ph</PHONETIC></SOUND><SOUND><BINVAL>BB</BINVAL></SOUND><SOUND><EXTVAL>http://s</EXTVAL></SOUND><SOUND/>" +
        `<AGENT><vCard xmlns='${NS_VCARD}'><FN>Ag</FN><AGENT><EXTVAL>deep</EXTVAL></AGENT></vCard></AGENT><AGENT><EXTVAL>http://a</EXTVAL></AGENT><AGENT/>`,
    ));
    expect(v.photo).toEqual([{ type: "image/png", binValue: "AAAA" }, { extValue: "http://p" }, { binValue: "CCCC" }]);
    expect(v.logo).toEqual([{ extValue: "http://l" }]);
    expect(v.sound).toEqual([{ phonetic: "ph" }, { binValue: "BB" }, { extValue: "http://s" }]);
    expect(v.agent).toEqual([{ vcard: { formattedName: "Ag", agent: [{ extValue: "deep" }] } }, { extValue: "http://a" }]);
    expect(v.photo!.map(imageTypeName)).toEqual(["ImageData", "External", "ImageData"]);
    expect(v.logo!.map(imageTypeName)).toEqual(["External"]);
    expect(v.sound!.map(soundTypeName)).toEqual(["Phonetic", "BinValue", "External"]);
    expect(v.agent!.map(agentTypeName)).toEqual(["AgentVcard", "External"]);
  });

  it("reads org, categories, geo, key and every text property; SOR (MongooseIM's name) reads as SORT-STRING", () => {
    const v = parseVcard(vcardXml(
      "<ORG><ORGNAME>O</ORGNAME><ORGUNIT>u1</ORGUNIT><ORGUNIT>u2</ORGUNIT></ORG><ORG><ORGNAME>P</ORGNAME></ORG>" +
        "<CATEGORIES><KEYWORD>k</KEYWORD></CATEGORIES><GEO><LAT>1</LAT><LON>2</LON></GEO><KEY><CRED>c</CRED></KEY>" +
        "<BDAY>b</BDAY><JABBERID>j</JABBERID><MAILER>m</MAILER><TZ>z</TZ><TITLE>t</TITLE><ROLE>r</ROLE><NOTE>n</NOTE>" +
        "<PRODID>p</PRODID><REV>v</REV><SORT-STRING>s1</SORT-STRING><SOR>s2</SOR><UID>u</UID><URL>w</URL><DESC>d</DESC>",
    ));
    expect(v).toEqual({
      org: [{ orgname: "O", orgunit: ["u1", "u2"] }, { orgname: "P" }],
      categories: [{ keyword: ["k"] }],
      geo: [{ lat: "1", lon: "2" }],
      key: [{ credential: "c" }],
      birthday: ["b"], jabberId: ["j"], mailer: ["m"], timeZone: ["z"], title: ["t"], role: ["r"], note: ["n"],
      prodId: ["p"], rev: ["v"], sortString: ["s1", "s2"], uid: ["u"], url: ["w"], desc: ["d"],
    });
  });

  it("reads tags once each in the DTD's order, whatever order they are stored in", () => {
    const v = parseVcard(vcardXml(
      "<ADR><PREF/><STREET>s</STREET><HOME/><POSTAL/><HOME/></ADR><LABEL><INTL/><LINE>a</LINE><WORK/></LABEL>" +
        "<TEL><NUMBER>1</NUMBER><PCS/><MSG/><HOME/></TEL><EMAIL><USERID>u</USERID><X400/><PREF/><WORK/></EMAIL>" +
        "<CLASS><CONFIDENTIAL/><PUBLIC/></CLASS>",
    ));
    expect(v).toEqual({
      address: [{ tags: ["HOME", "POSTAL", "PREF"], street: "s" }],
      label: [{ tags: ["WORK", "INTL"], line: ["a"] }],
      telephone: [{ tags: ["HOME", "MSG", "PCS"], number: "1" }],
      email: [{ tags: ["WORK", "PREF", "X400"], userId: "u" }],
      class: [{ tags: ["PUBLIC", "CONFIDENTIAL"] }],
    });
  });

  it("reads a vCard the same in the DTD's order and in ejabberd's stored order, repeated entries in document order", () => {
    // Both orders are what the servers answered for one setVcard (Prosody keeps the input's).
    const dtdOrder = vcardXml(
      "<FN>F</FN><N><FAMILY>L</FAMILY><GIVEN>A</GIVEN><MIDDLE>Q</MIDDLE></N><PHOTO><TYPE>image/gif</TYPE><BINVAL>R0</BINVAL></PHOTO>" +
        "<ADR><HOME/><POSTAL/><PREF/><POBOX>1</POBOX><STREET>s</STREET><CTRY>UK</CTRY></ADR><ADR><DOM/><POBOX>9</POBOX></ADR>" +
        "<TEL><HOME/><VOICE/><PREF/><NUMBER>1</NUMBER></TEL><TEL><WORK/><PAGER/><MSG/><NUMBER>2</NUMBER></TEL>" +
        "<EMAIL><WORK/><X400/><USERID>x</USERID></EMAIL><GEO><LAT>1</LAT><LON>2</LON></GEO>",
    );
    const ejabberdOrder = vcardXml(
      "<GEO><LON>2</LON><LAT>1</LAT></GEO><PHOTO><BINVAL>R0</BINVAL><TYPE>image/gif</TYPE></PHOTO>" +
        "<N><GIVEN>A</GIVEN><FAMILY>L</FAMILY><MIDDLE>Q</MIDDLE></N><FN>F</FN>" +
        "<TEL><PREF/><HOME/><VOICE/><NUMBER>1</NUMBER></TEL><TEL><WORK/><MSG/><PAGER/><NUMBER>2</NUMBER></TEL>" +
        "<EMAIL><WORK/><USERID>x</USERID><X400/></EMAIL>" +
        "<ADR><STREET>s</STREET><POSTAL/><CTRY>UK</CTRY><POBOX>1</POBOX><PREF/><HOME/></ADR><ADR><DOM/><POBOX>9</POBOX></ADR>",
    );
    const expected = {
      formattedName: "F",
      nameComponents: { family: "L", givenName: "A", middleName: "Q" },
      photo: [{ type: "image/gif", binValue: "R0" }],
      address: [{ tags: ["HOME", "POSTAL", "PREF"], pobox: "1", street: "s", country: "UK" }, { tags: ["DOM"], pobox: "9" }],
      telephone: [{ tags: ["HOME", "VOICE", "PREF"], number: "1" }, { tags: ["WORK", "PAGER", "MSG"], number: "2" }],
      email: [{ tags: ["WORK", "X400"], userId: "x" }],
      geo: [{ lat: "1", lon: "2" }],
    };
    expect(parseVcard(dtdOrder)).toEqual(expected);
    expect(parseVcard(ejabberdOrder)).toEqual(expected);
  });

  it("ignores whitespace between elements (pretty-printed vCards)", () => {
    const v = parseVcard(vcardXml("\n  <N>\n    <GIVEN>G</GIVEN>\n  </N>\n  <TEL>\n <HOME/>\n <NUMBER>1</NUMBER>\n</TEL>\n"));
    expect(v).toEqual({ nameComponents: { givenName: "G" }, telephone: [{ tags: ["HOME"], number: "1" }] });
  });

  it("reads back what it builds, for every property", () => {
    const input = {
      formattedName: "Full", nameComponents: { family: "F", givenName: "G", middleName: "M", prefix: "P", suffix: "S" },
      nickname: ["n1", "n2"], photo: [{ type: "image/png", binValue: "AA" }, { extValue: "http://p" }], birthday: ["b"],
      address: [{ tags: ["HOME" as const], pobox: "1", extadd: "2", street: "3", locality: "4", region: "5", pcode: "6", country: "7" }],
      label: [{ tags: ["WORK" as const], line: ["x", "y"] }], telephone: [{ tags: ["FAX" as const], number: "1" }],
      email: [{ tags: ["PREF" as const], userId: "e" }], jabberId: ["j"], mailer: ["m"], timeZone: ["z"], geo: [{ lat: "1", lon: "2" }],
      title: ["t"], role: ["r"], logo: [{ extValue: "l" }], agent: [{ extValue: "a" }], org: [{ orgname: "o", orgunit: ["u"] }],
      categories: [{ keyword: ["k"] }], note: ["n"], prodId: ["p"], rev: ["v"], sortString: ["s"],
      sound: [{ phonetic: "ph" }], uid: ["u"], url: ["w"], desc: ["d"], class: [{ tags: ["PRIVATE" as const] }],
      key: [{ type: "t", credential: "c" }],
    } satisfies VcardInput;
    expect(parseVcard(parseXmlElement(buildVcard(input).toString()))).toEqual(input);
  });
});
