import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import {
  buildPrivateGet, buildPrivateSet, emptyPrivateElement, isElementName, isReservedNamespace, namespaceOf,
  parsePrivateResult, serializeXml,
} from "../../src/private/private.stanzas.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const NS = "jabber:iq:private";

describe("private-storage stanzas (XEP-0049)", () => {
  it("builds a get with the empty element to read", () => {
    expect(buildPrivateGet("storage", "storage:bookmarks").toString())
      .toBe(`<iq type="get"><query xmlns="${NS}"><storage xmlns="storage:bookmarks"/></query></iq>`);
  });

  it("builds a set with a copy of the element, leaving the caller's element unparented and unchanged", () => {
    const element = parseXmlElement("<prefs xmlns='urn:p'><a x='1'>t</a></prefs>");
    const iq = buildPrivateSet(element);
    expect(iq.toString()).toBe(`<iq type="set"><query xmlns="${NS}"><prefs xmlns="urn:p"><a x="1">t</a></prefs></query></iq>`);
    expect(element.parent).toBeNull();
    iq.getChild("query")!.getChildElements()[0]!.attrs.changed = "yes";
    expect(element.attrs.changed).toBeUndefined();
  });

  it("reads the stored element detached from the reply", () => {
    const reply = parseXmlElement(`<iq type='result'><query xmlns='${NS}'><prefs xmlns='urn:p'><a>1</a></prefs></query></iq>`);
    const stored = parsePrivateResult(reply, "urn:p")!;
    expect(stored.parent).toBeNull();
    expect(serializeXml(stored)).toBe("<prefs xmlns='urn:p'><a>1</a></prefs>");
  });

  it("gives a stored element sent without xmlns the namespace it was asked for", () => {
    const reply = parseXmlElement(`<iq type='result'><query xmlns='${NS}'><prefs>x</prefs></query></iq>`);
    expect(serializeXml(parsePrivateResult(reply, "urn:p")!)).toBe("<prefs xmlns='urn:p'>x</prefs>");
  });

  it("answers null for a result without an element, so the caller can use the empty one", () => {
    expect(parsePrivateResult(parseXmlElement(`<iq type='result'><query xmlns='${NS}'/></iq>`), "urn:p")).toBeNull();
    expect(parsePrivateResult(parseXmlElement(`<iq type='result'/>`), "urn:p")).toBeNull();
    expect(serializeXml(emptyPrivateElement("prefs", "urn:p"))).toBe("<prefs xmlns='urn:p'/>");
  });

  it("finds the namespace an element declares, by xmlns or by its prefix", () => {
    expect(namespaceOf(parseXmlElement("<a xmlns='urn:a'/>"))).toBe("urn:a");
    expect(namespaceOf(parseXmlElement("<p:a xmlns:p='urn:p' xmlns='urn:default'/>"))).toBe("urn:p");
    expect(namespaceOf(parseXmlElement("<a/>"))).toBeUndefined();
    expect(namespaceOf(parseXmlElement("<a xmlns=''/>"))).toBeUndefined();
  });

  it("knows XEP-0049's reserved namespaces", () => {
    for (const ns of ["jabber:client", "jabber:server", "jabber:iq:private", "jabber:x:data", "vcard-temp", "http://jabber.org/protocol/muc"]) {
      expect(isReservedNamespace(ns)).toBe(true);
    }
    for (const ns of ["storage:bookmarks", "urn:xmpp:bookmarks:1", "vcard-temp-x", "https://jabber.org/x", "jabberwocky"]) {
      expect(isReservedNamespace(ns)).toBe(false);
    }
  });

  it("accepts XML names only (no prefix)", () => {
    for (const name of ["storage", "my_element", "_x", "a-b.c1", "café", "名前"]) expect(isElementName(name)).toBe(true);
    for (const name of ["", "1a", "-a", "a b", "p:x", "<x>", "a/b"]) expect(isElementName(name)).toBe(false);
  });
});

describe("serializeXml (MongooseIM's exml style)", () => {
  it("single-quotes attributes and self-closes childless elements", () => {
    expect(serializeXml(xml("message", { to: "bob@localhost", type: "chat" }, xml("body", {}, "Hi!"))))
      .toBe("<message to='bob@localhost' type='chat'><body>Hi!</body></message>");
    expect(serializeXml(xml("x", { xmlns: "urn:x" }))).toBe("<x xmlns='urn:x'/>");
  });

  it("escapes attribute values and text, and keeps whitespace that parsers would normalise", () => {
    const element = xml("a", { v: `it's "q" & <t>\ttab\nnl\rcr` }, `1 < 2 & 3 > 2 "'\r\n`);
    expect(serializeXml(element))
      .toBe(`<a v='it&apos;s &quot;q&quot; &amp; &lt;t&gt;&#9;tab&#10;nl&#13;cr'>1 &lt; 2 &amp; 3 &gt; 2 "'&#13;\n</a>`);
    const back = parseXmlElement(serializeXml(element));
    expect(back.attrs.v).toBe(element.attrs.v);
    expect(back.text()).toBe(element.text());
  });

  it("round-trips mixed content, prefixes and non-ASCII through the XmlElement parser", () => {
    const text = "<p:root xmlns:p='urn:p' p:k='v'>pre<child a='1'>mid</child>post ☕<empty/></p:root>";
    expect(serializeXml(parseXmlElement(text))).toBe(text);
  });
});
