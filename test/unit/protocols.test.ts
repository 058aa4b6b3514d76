import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { buildSubmitForm, parseDataForm, parseDataFormIn, parseDataForms } from "../../src/xmpp/forms.js";
import { buildRsmSet, parseRsmSet } from "../../src/xmpp/rsm.js";
import { queryArchive } from "../../src/xmpp/mam.js";
import { SessionMemo } from "../../src/xmpp/session-memo.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";
import type { XmppSession } from "../../src/xmpp/session.js";

const NS_DATA = "jabber:x:data";
const NS_MAM = "urn:xmpp:mam:2";
const NS_RSM = "http://jabber.org/protocol/rsm";

describe("data forms (XEP-0004)", () => {
  it("builds a submit form with FORM_TYPE first, and the empty form", () => {
    expect(buildSubmitForm("urn:x", { a: ["1", "2"], b: [] }).toString()).toBe(
      `<x xmlns="${NS_DATA}" type="submit"><field var="FORM_TYPE" type="hidden"><value>urn:x</value></field>` +
        `<field var="a"><value>1</value><value>2</value></field><field var="b"/></x>`,
    );
    expect(buildSubmitForm().toString()).toBe(`<x xmlns="${NS_DATA}" type="submit"/>`);
  });

  it("reads fields, options and FORM_TYPE, and finds forms among children", () => {
    const parent = parseXmlElement(
      `<query><x xmlns="${NS_DATA}" type="form"><field var="FORM_TYPE"><value>urn:x</value></field>` +
        `<field type="fixed"><value>text</value></field>` +
        `<field var="c" type="list-single"><value>b</value><option><value>a</value></option><option><value>b</value></option></field></x></query>`,
    );
    const form = parseDataFormIn(parent)!;
    expect(form.formType).toBe("urn:x");
    expect([...form.fields.keys()]).toEqual(["FORM_TYPE", "c"]);
    expect(form.fields.get("c")).toEqual({ type: "list-single", values: ["b"], options: ["a", "b"] });
    expect(parseDataForms(parent)).toHaveLength(1);
    expect(parseDataFormIn(parseXmlElement("<query/>"))).toBeNull();
    expect(parseDataForm(parseXmlElement(`<x xmlns="${NS_DATA}"/>`)).type).toBeNull();
  });
});

describe("result set management (XEP-0059)", () => {
  it("builds only what is asked, and the empty <before/> for the last page", () => {
    expect(buildRsmSet(null)).toBeNull();
    expect(buildRsmSet({ max: null, index: null })).toBeNull();
    expect(buildRsmSet({ max: 10, index: 20 })?.toString()).toBe(`<set xmlns="${NS_RSM}"><max>10</max><index>20</index></set>`);
    expect(buildRsmSet({ max: 5, before: "" })?.toString()).toBe(`<set xmlns="${NS_RSM}"><max>5</max><before/></set>`);
    expect(buildRsmSet({ max: 5, after: "x" })?.toString()).toBe(`<set xmlns="${NS_RSM}"><max>5</max><after>x</after></set>`);
  });

  it("reads a reply's paging, with unusable numbers as null", () => {
    const parent = parseXmlElement(`<q><set xmlns="${NS_RSM}"><first index="3">a</first><last>b</last><count>x</count></set></q>`);
    expect(parseRsmSet(parent)).toEqual({ count: null, first: "a", firstIndex: 3, last: "b" });
    expect(parseRsmSet(parseXmlElement("<q/>"))).toBeNull();
  });
});

/** A session that answers an archive query with `results` (from `from`) and a fin. */
function archiveSession(results: string[], from?: string) {
  const listeners = new Set<(stanza: Element) => void>();
  const session = {
    bareJid: "alice@localhost",
    onStanza(listener: (stanza: Element) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async iq(request: Element) {
      const queryId = request.getChild("query", NS_MAM)!.attrs.queryid;
      for (const id of results) {
        const message = xml("message", from !== undefined ? { from } : {}, xml("result", { xmlns: NS_MAM, queryid: queryId, id },
          xml("forwarded", { xmlns: "urn:xmpp:forward:0" }, xml("message", { from: "bob@localhost/r" }, xml("body", {}, id)))));
        for (const listener of listeners) listener(message);
      }
      return xml("iq", { type: "result" }, xml("fin", { xmlns: NS_MAM, complete: "true" }));
    },
  };
  return { session: session as unknown as XmppSession, listeners };
}

describe("queryArchive (XEP-0313)", () => {
  it("collects the query's results, stops listening, and pages from the last result without an RSM <last/>", async () => {
    const { session, listeners } = archiveSession(["a1", "a2"]);
    const page = await queryArchive(session, { max: 10 });
    expect(page.records.map((r) => r.archiveId)).toEqual(["a1", "a2"]);
    expect(page).toMatchObject({ complete: true, last: "a2" });
    expect(listeners.size).toBe(0);
  });

  it("ignores results claiming to come from another archive", async () => {
    const { session } = archiveSession(["a1"], "mallory@localhost");
    expect((await queryArchive(session, { max: 10 })).records).toEqual([]);
    const room = archiveSession(["r1"], "Lounge@muc.localhost");
    expect((await queryArchive(room.session, { to: "lounge@muc.localhost", max: 10 })).records).toHaveLength(1);
  });
});

describe("SessionMemo", () => {
  it("shares one attempt, forgets failures and refused values, and is bounded", async () => {
    const memo = new SessionMemo(2);
    let made = 0;
    const make = async () => ++made;
    await Promise.all([memo.remember("a", make), memo.remember("a", make)]);
    expect(made).toBe(1);
    await expect(memo.remember("f", () => Promise.reject(new Error("no")))).rejects.toThrow("no");
    expect(await memo.remember("f", make)).toBe(2);
    expect(await memo.remember("n", make, () => false)).toBe(3);
    expect(await memo.remember("n", make, () => false)).toBe(4);
    await memo.remember("b", make);
    await memo.remember("c", make); // at most two entries: "a" is long gone
    expect(await memo.remember("a", make)).toBe(7);
  });

  it("runs queued tasks one after another, past failures", async () => {
    const memo = new SessionMemo();
    const order: string[] = [];
    const first = memo.serial("q", async () => {
      await new Promise((resolve) => setImmediate(resolve));
      order.push("first");
      throw new Error("first failed");
    });
    const second = memo.serial("q", async () => {
      order.push("second");
      return 2;
    });
    await expect(first).rejects.toThrow("first failed");
    expect(await second).toBe(2);
    expect(order).toEqual(["first", "second"]);
  });
});
