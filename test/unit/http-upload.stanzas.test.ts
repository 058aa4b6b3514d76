import { describe, expect, it } from "vitest";
import { buildSlotRequest, parseSlot, parseUploadService } from "../../src/http-upload/http-upload.stanzas.js";
import { buildDiscoInfoGet, buildDiscoItemsGet, parseDiscoInfo, parseDiscoItems } from "../../src/xmpp/disco.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const NS = "urn:xmpp:http:upload:0";
const INFO = "http://jabber.org/protocol/disco#info";

function info(body: string) {
  return parseXmlElement(`<iq type='result' from='upload.localhost'><query xmlns='${INFO}'>${body}</query></iq>`);
}

const form = (formType: string, max: string) =>
  `<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'><value>${formType}</value></field>` +
  `<field var='max-file-size'><value>${max}</value></field></x>`;

describe("service discovery (XEP-0030) for XEP-0363", () => {
  it("builds disco#items and disco#info requests", () => {
    expect(buildDiscoItemsGet("localhost").toString())
      .toBe(`<iq type="get" to="localhost"><query xmlns="http://jabber.org/protocol/disco#items"/></iq>`);
    expect(buildDiscoInfoGet("upload.localhost").toString()).toBe(`<iq type="get" to="upload.localhost"><query xmlns="${INFO}"/></iq>`);
  });

  it("lists item JIDs in order, skipping items without one", () => {
    const reply = parseXmlElement(
      `<iq type='result'><query xmlns='http://jabber.org/protocol/disco#items'>` +
      `<item jid='muc.localhost'/><item name='no jid'/><item jid='upload.localhost' name='Upload'/></query></iq>`,
    );
    expect(parseDiscoItems(reply).items.map((i) => i.jid)).toEqual(["muc.localhost", "upload.localhost"]);
    expect(parseDiscoItems(parseXmlElement("<iq type='result'/>"))).toEqual({ items: [], rsm: null });
  });

  it("reads features", () => {
    expect(parseDiscoInfo(info(`<feature var='a'/><feature var='${NS}'/>`)).features).toEqual(new Set(["a", NS]));
  });

  it("recognises an upload service with its max-file-size", () => {
    const reply = info(`<identity category='store' type='file'/><feature var='${NS}'/>${form(NS, "10485760")}`);
    expect(parseUploadService("upload.localhost", reply)).toEqual({ jid: "upload.localhost", maxFileSize: 10_485_760 });
  });

  it("ignores other forms and unusable sizes", () => {
    expect(parseUploadService("u", info(`<feature var='${NS}'/>${form("urn:other", "5")}`))).toEqual({ jid: "u", maxFileSize: null });
    expect(parseUploadService("u", info(`<feature var='${NS}'/>${form(NS, "lots")}`))).toEqual({ jid: "u", maxFileSize: null });
    expect(parseUploadService("u", info(`<feature var='${NS}'/>`))).toEqual({ jid: "u", maxFileSize: null });
  });

  it("does not take an entity without the feature for an upload service, whatever its form says", () => {
    expect(parseUploadService("muc.localhost", info(`<feature var='http://jabber.org/protocol/muc'/>${form(NS, "5")}`))).toBeNull();
  });
});

describe("slot request and slot (XEP-0363 §4–5)", () => {
  it("builds a request with the content type, and without it when empty or absent", () => {
    expect(buildSlotRequest("upload.localhost", { filename: "a b.png", size: 123, contentType: "image/png" }).toString())
      .toBe(`<iq type="get" to="upload.localhost"><request xmlns="${NS}" filename="a b.png" size="123" content-type="image/png"/></iq>`);
    for (const contentType of [undefined, null, ""]) {
      expect(buildSlotRequest("u", { filename: "f", size: 1, contentType }).getChild("request")!.attrs["content-type"]).toBeUndefined();
    }
  });

  it("reads PUT and GET URLs with the allowed headers only, newlines removed", () => {
    const reply = parseXmlElement(
      `<iq type='result'><slot xmlns='${NS}'><put url='https://u.example/put/1/a.png'>` +
      `<header name='Authorization'>Bearer abc&#10;def</header><header name='Cookie'>c=1</header>` +
      `<header name='expires'>Tue, 01 Jan 2030 00:00:00 GMT</header><header name='X-Evil'>1</header><header>nameless</header>` +
      `</put><get url='https://u.example/get/1/a.png'/></slot></iq>`,
    );
    expect(parseSlot(reply)).toEqual({
      putUrl: "https://u.example/put/1/a.png",
      getUrl: "https://u.example/get/1/a.png",
      headers: [
        { name: "Authorization", value: "Bearer abcdef" },
        { name: "Cookie", value: "c=1" },
        { name: "expires", value: "Tue, 01 Jan 2030 00:00:00 GMT" },
      ],
    });
  });

  it("answers null for a reply without both URLs", () => {
    for (const body of [``, `<slot xmlns='${NS}'><get url='g'/></slot>`, `<slot xmlns='${NS}'><put url='p'/></slot>`, `<slot xmlns='urn:other'><put url='p'/><get url='g'/></slot>`]) {
      expect(parseSlot(parseXmlElement(`<iq type='result'>${body}</iq>`))).toBeNull();
    }
  });
});
