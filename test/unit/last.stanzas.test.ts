import { describe, expect, it } from "vitest";
import { buildLastQuery, lastActiveAt, parseLastReply } from "../../src/last/last.stanzas.js";
import { buildAvailablePresence, buildUnavailablePresence } from "../../src/xmpp/presence.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const NS = "jabber:iq:last";

describe("last-activity stanzas (XEP-0012)", () => {
  it("asks the own account without `to` and another user at the given JID", () => {
    expect(buildLastQuery().toString()).toBe(`<iq type="get"><query xmlns="${NS}"/></iq>`);
    expect(buildLastQuery("bob@localhost").toString()).toBe(`<iq type="get" to="bob@localhost"><query xmlns="${NS}"/></iq>`);
  });

  it("builds unavailable presence with a status, and without one for an empty status", () => {
    expect(buildUnavailablePresence("Gone <fishing> & back").toString())
      .toBe(`<presence type="unavailable"><status>Gone &lt;fishing&gt; &amp; back</status></presence>`);
    expect(buildUnavailablePresence("").toString()).toBe(`<presence type="unavailable"/>`);
  });

  it("builds available presence with a priority", () => {
    expect(buildAvailablePresence(-1).toString()).toBe(`<presence><priority>-1</priority></presence>`);
  });

  it("parses seconds and status", () => {
    const reply = parseXmlElement(`<iq type='result'><query xmlns='${NS}' seconds='903'>Heading home</query></iq>`);
    expect(parseLastReply(reply)).toEqual({ seconds: 903, status: "Heading home" });
    expect(parseLastReply(parseXmlElement(`<iq type='result'><query xmlns='${NS}' seconds='0'/></iq>`))).toEqual({ seconds: 0, status: "" });
  });

  it.each([
    `<iq type='result'/>`,
    `<iq type='result'><query xmlns='${NS}'/></iq>`,
    `<iq type='result'><query xmlns='${NS}' seconds='-5'/></iq>`,
    `<iq type='result'><query xmlns='${NS}' seconds='1.5'/></iq>`,
    `<iq type='result'><query xmlns='${NS}' seconds=''/></iq>`,
    `<iq type='result'><query xmlns='urn:other' seconds='3'/></iq>`,
  ])("refuses an unusable reply: %s", (text) => {
    expect(parseLastReply(parseXmlElement(text))).toBeNull();
  });

  it("turns idle seconds into an instant in whole seconds", () => {
    const now = Date.parse("2026-01-02T03:04:05.678Z");
    expect(lastActiveAt(0, now).toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(lastActiveAt(3605, now).toISOString()).toBe("2026-01-02T02:04:00.000Z");
  });
});
