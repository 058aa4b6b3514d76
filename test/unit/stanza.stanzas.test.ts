import { describe, expect, it } from "vitest";
import { buildChatMessage, buildHeadlineMessage, parseIncomingMessage } from "../../src/stanza/stanza.stanzas.js";
import { buildArchiveQuery, parseArchiveFin, parseArchiveResult } from "../../src/xmpp/mam.js";
import { newStanzaId } from "../../src/xmpp/messages.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const NS_MAM = "urn:xmpp:mam:2";
const NS_DATA = "jabber:x:data";
const NS_RSM = "http://jabber.org/protocol/rsm";
const OWN = "alice@localhost";
const STAMP = "2024-05-06T07:08:09.123Z";

const x = parseXmlElement;

describe("message builders", () => {
  it("builds a chat message with the given id", () => {
    expect(buildChatMessage("bob@localhost", "hi & bye", "m1").toString()).toBe(
      '<message type="chat" to="bob@localhost" id="m1"><body>hi &amp; bye</body></message>',
    );
  });

  it("gives each message a fresh id by default", () => {
    const a = buildChatMessage("bob@localhost", "x").attrs.id;
    const b = buildChatMessage("bob@localhost", "x").attrs.id;
    expect(a).toMatch(/^[A-Za-z0-9_-]{12}$/);
    expect(a).not.toBe(b);
    expect(newStanzaId()).not.toBe(newStanzaId());
  });

  it("builds a headline with subject and body", () => {
    expect(buildHeadlineMessage("bob@localhost", "S", "B", "h1").toString()).toBe(
      '<message type="headline" to="bob@localhost" id="h1"><subject>S</subject><body>B</body></message>',
    );
  });

  it("leaves out a missing subject or body", () => {
    expect(buildHeadlineMessage("bob@localhost", null, "B", "h1").toString()).toBe(
      '<message type="headline" to="bob@localhost" id="h1"><body>B</body></message>',
    );
    expect(buildHeadlineMessage("bob@localhost", "S", undefined, "h1").toString()).toBe(
      '<message type="headline" to="bob@localhost" id="h1"><subject>S</subject></message>',
    );
    expect(buildHeadlineMessage("bob@localhost", null, null, "h1").toString()).toBe(
      '<message type="headline" to="bob@localhost" id="h1"/>',
    );
  });

  it("keeps an empty subject or body (only null/undefined are left out)", () => {
    const message = buildHeadlineMessage("bob@localhost", "", "", "h1");
    expect(message.getChild("subject")?.text()).toBe("");
    expect(message.getChild("body")?.text()).toBe("");
  });
});

describe("buildArchiveQuery", () => {
  function fields(iq: ReturnType<typeof buildArchiveQuery>): Record<string, string | undefined> {
    const form = iq.getChild("query", NS_MAM)?.getChild("x", NS_DATA);
    return Object.fromEntries((form?.getChildren("field") ?? []).map((f) => [f.attrs.var, f.getChildText("value") ?? undefined]));
  }

  it("asks for the last page of the whole archive", () => {
    const iq = buildArchiveQuery({ queryId: "q1", max: 50 });
    expect(iq.attrs.type).toBe("set");
    const query = iq.getChild("query", NS_MAM);
    expect(query?.attrs.queryid).toBe("q1");
    const form = query?.getChild("x", NS_DATA);
    expect(form?.attrs.type).toBe("submit");
    const formType = form?.getChildren("field").find((f) => f.attrs.var === "FORM_TYPE");
    expect(formType?.attrs.type).toBe("hidden");
    expect(fields(iq)).toEqual({ FORM_TYPE: NS_MAM });
    const set = query?.getChild("set", NS_RSM);
    expect(set?.getChildText("max")).toBe("50");
    const before = set?.getChild("before");
    expect(before).toBeDefined();
    expect(before?.children).toEqual([]);
  });

  it("filters by correspondent and ends 1 µs before `before` (servers stamp to the microsecond)", () => {
    const iq = buildArchiveQuery({ queryId: "q2", with: "bob@localhost", before: new Date("2024-01-01T00:00:00.000Z"), max: 5 });
    expect(fields(iq)).toEqual({ FORM_TYPE: NS_MAM, with: "bob@localhost", end: "2023-12-31T23:59:59.999999Z" });
  });

  it("pages back from an archive id with RSM <before>id</before>", () => {
    const iq = buildArchiveQuery({ queryId: "q4", beforeId: "arch-7", max: 2 });
    const set = iq.getChild("query", NS_MAM)?.getChild("set", NS_RSM);
    expect(set?.getChildText("before")).toBe("arch-7");
    expect(set?.getChildText("max")).toBe("2");
  });

  it("leaves out null filters", () => {
    expect(fields(buildArchiveQuery({ queryId: "q3", with: null, before: null, max: 1 }))).toEqual({ FORM_TYPE: NS_MAM });
  });
});

function archived(opts: { from?: string; queryid?: string; id?: string; inner?: string; stamp?: string | null }): ReturnType<typeof x> {
  const from = opts.from === undefined ? "" : ` from='${opts.from}'`;
  const id = opts.id === undefined ? " id='arch-1'" : opts.id === "" ? "" : ` id='${opts.id}'`;
  const delay = opts.stamp === null ? "" : `<delay xmlns='urn:xmpp:delay' stamp='${opts.stamp ?? STAMP}'/>`;
  const inner = opts.inner ?? "<message xmlns='jabber:client' from='bob@localhost/res' to='alice@localhost' type='chat' id='orig'><body>hello</body></message>";
  return x(
    `<message to='alice@localhost/gw'${from}><result xmlns='${NS_MAM}' queryid='${opts.queryid ?? "q1"}'${id}>` +
      `<forwarded xmlns='urn:xmpp:forward:0'>${delay}${inner}</forwarded></result></message>`,
  );
}

describe("parseArchiveResult", () => {
  it("reads a result of its query from the user's own archive", () => {
    for (const from of [undefined, OWN, "Alice@LocalHost"]) {
      const record = parseArchiveResult(archived({ from }), "q1", OWN);
      expect(record, `from=${from}`).not.toBeNull();
      expect(record?.stanza_id).toBe("arch-1");
      expect(record?.sender).toBe("bob@localhost/res");
      expect(record?.timestamp.toISOString()).toBe(STAMP);
      expect(record?.stanza.name).toBe("message");
      expect(record?.stanza.getChildText("body")).toBe("hello");
    }
  });

  it("rejects results of another query", () => {
    expect(parseArchiveResult(archived({ queryid: "other" }), "q1", OWN)).toBeNull();
  });

  it("rejects results from anyone else (spoofed history)", () => {
    expect(parseArchiveResult(archived({ from: "mallory@localhost" }), "q1", OWN)).toBeNull();
    expect(parseArchiveResult(archived({ from: "alice@localhost/other" }), "q1", OWN)).toBeNull();
    expect(parseArchiveResult(archived({ from: "localhost" }), "q1", OWN)).toBeNull();
  });

  it("rejects results without an id, forwarded or inner message", () => {
    expect(parseArchiveResult(archived({ id: "" }), "q1", OWN)).toBeNull();
    expect(parseArchiveResult(archived({ inner: "<presence xmlns='jabber:client'/>" }), "q1", OWN)).toBeNull();
    const noForwarded = x(`<message><result xmlns='${NS_MAM}' queryid='q1' id='a'><message xmlns='jabber:client'/></result></message>`);
    expect(parseArchiveResult(noForwarded, "q1", OWN)).toBeNull();
    expect(parseArchiveResult(x("<message><body>plain</body></message>"), "q1", OWN)).toBeNull();
    expect(parseArchiveResult(x(`<iq type='result'><result xmlns='${NS_MAM}' queryid='q1' id='a'/></iq>`), "q1", OWN)).toBeNull();
  });

  it("has null sender for an inner message without from", () => {
    const record = parseArchiveResult(archived({ inner: "<message xmlns='jabber:client'><body>x</body></message>" }), "q1", OWN);
    expect(record?.sender).toBeNull();
  });

  it("serialises the inner message alone, with the client namespace", () => {
    const record = parseArchiveResult(archived({ inner: "<message from='bob@localhost'><body>x</body></message>" }), "q1", OWN);
    const text = record?.stanza.toString() ?? "";
    expect(text.startsWith("<message ")).toBe(true);
    expect(text).toContain('xmlns="jabber:client"');
    expect(text).not.toContain("forwarded");
    expect(text).not.toContain("result");
    expect(record?.stanza.parent).toBeNull();
  });
});

describe("parseIncomingMessage", () => {
  const NOW = new Date("2030-01-01T00:00:00.000Z");

  it("reads a plain message", () => {
    const record = parseIncomingMessage(
      x("<message xmlns='jabber:client' from='bob@localhost/r' to='alice@localhost/gw' id='m1' type='chat'><body>hi</body></message>"),
      OWN, NOW,
    );
    expect(record?.sender).toBe("bob@localhost/r");
    expect(record?.stanza_id).toBe("m1");
    expect(record?.timestamp).toEqual(NOW);
    expect(record?.stanza.getChildText("body")).toBe("hi");
  });

  it("uses the delay stamp of an offline message", () => {
    const record = parseIncomingMessage(
      x(`<message from='bob@localhost' id='m1'><body>hi</body><delay xmlns='urn:xmpp:delay' stamp='${STAMP}'/></message>`),
      OWN, NOW,
    );
    expect(record?.timestamp.toISOString()).toBe(STAMP);
  });

  it("uses now when the delay stamp is not a date", () => {
    const record = parseIncomingMessage(
      x("<message from='bob@localhost' id='m1'><delay xmlns='urn:xmpp:delay' stamp='yesterday'/></message>"), OWN, NOW,
    );
    expect(record?.timestamp).toEqual(NOW);
  });

  it("gives an empty stanza_id to a message without id", () => {
    expect(parseIncomingMessage(x("<message from='bob@localhost'><body>x</body></message>"), OWN, NOW)?.stanza_id).toBe("");
  });

  const carbon = (kind: "received" | "sent", from: string) =>
    x(
      `<message xmlns='jabber:client' from='${from}' to='alice@localhost/gw' type='chat'>` +
        `<${kind} xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>` +
        `<message xmlns='jabber:client' from='bob@localhost/r' to='alice@localhost/phone' id='c1' type='chat'><body>copied</body></message>` +
        `</forwarded></${kind}></message>`,
    );

  it("unwraps a received carbon from the user's own bare JID", () => {
    for (const from of [OWN, "ALICE@localhost"]) {
      const record = parseIncomingMessage(carbon("received", from), OWN, NOW);
      expect(record?.sender).toBe("bob@localhost/r");
      expect(record?.stanza_id).toBe("c1");
      expect(record?.stanza.getChildText("body")).toBe("copied");
      const text = record?.stanza.toString() ?? "";
      expect(text.startsWith('<message xmlns="jabber:client"')).toBe(true);
      expect(text).not.toContain("carbons");
      expect(text).not.toContain("forwarded");
    }
  });

  it("ignores a received carbon from anyone else (XEP-0280 §11)", () => {
    expect(parseIncomingMessage(carbon("received", "mallory@localhost"), OWN, NOW)).toBeNull();
    expect(parseIncomingMessage(carbon("received", "alice@localhost/phone"), OWN, NOW)).toBeNull();
  });

  it("ignores sent carbons", () => {
    expect(parseIncomingMessage(carbon("sent", OWN), OWN, NOW)).toBeNull();
  });

  it("ignores a received carbon without a forwarded message", () => {
    const stanza = x(`<message from='${OWN}'><received xmlns='urn:xmpp:carbons:2'/></message>`);
    expect(parseIncomingMessage(stanza, OWN, NOW)).toBeNull();
  });

  it("ignores archive results", () => {
    expect(parseIncomingMessage(archived({}), OWN, NOW)).toBeNull();
  });

  it("ignores stanzas that are not messages", () => {
    expect(parseIncomingMessage(x("<presence from='bob@localhost'/>"), OWN, NOW)).toBeNull();
    expect(parseIncomingMessage(x("<iq type='get' id='1'/>"), OWN, NOW)).toBeNull();
  });

  it("adds the client namespace to a message serialised without one", () => {
    const record = parseIncomingMessage(x("<message from='bob@localhost' id='m1'><body>x</body></message>"), OWN, NOW);
    expect(record?.stanza.toString()).toBe('<message from="bob@localhost" id="m1" xmlns="jabber:client"><body>x</body></message>');
  });
});

describe("archive ids and paging for catch-up", () => {
  it("reads the archive id the user's own server stamped, and ignores others' stamps", async () => {
    const { parseIncomingMessage } = await import("../../src/stanza/stanza.stanzas.js");
    const { xml } = await import("@xmpp/xml");
    const message = xml("message", { from: "bob@localhost/x", to: "alice@localhost", type: "chat" },
      xml("body", {}, "hi"),
      xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: "mallory@evil", id: "forged" }),
      xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: "alice@localhost", id: "real-1" }));
    expect(parseIncomingMessage(message, "alice@localhost")?.archiveId).toBe("real-1");
    const unstamped = xml("message", { from: "bob@localhost/x", type: "chat" }, xml("body", {}, "hi"),
      xml("stanza-id", { xmlns: "urn:xmpp:sid:0", by: "mallory@evil", id: "forged" }));
    expect(parseIncomingMessage(unstamped, "alice@localhost")?.archiveId).toBeUndefined();
  });

  it("pages forward with RSM after, and reads fin", async () => {
    const { xml } = await import("@xmpp/xml");
    const query = buildArchiveQuery({ queryId: "q", max: 50, afterId: "id-9" });
    const set = query.getChild("query")!.getChild("set")!;
    expect(set.getChildText("after")).toBe("id-9");
    expect(set.getChild("before")).toBeUndefined();
    const fin = xml("iq", { type: "result" }, xml("fin", { xmlns: "urn:xmpp:mam:2", complete: "true" },
      xml("set", { xmlns: "http://jabber.org/protocol/rsm" }, xml("first", {}, "a"), xml("last", {}, "b"))));
    expect(parseArchiveFin(fin)).toEqual({ complete: true, last: "b" });
    expect(parseArchiveFin(xml("iq", { type: "result" }))).toEqual({ complete: false, last: undefined });
  });
});
