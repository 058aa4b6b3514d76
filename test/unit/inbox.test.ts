import { describe, expect, it } from "vitest";
import type { Element } from "@xmpp/xml";
import { buildEmptyBin, parseEmptyBinResult } from "../../src/inbox/inbox.stanzas.js";
import { flushBin } from "../../src/inbox/inbox.api.js";
import { StanzaError } from "../../src/xmpp/errors.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";
import type { XmppSession } from "../../src/xmpp/session.js";

const NS = "erlang-solutions.com:xmpp:inbox:0";
const INFO = "http://jabber.org/protocol/disco#info";

describe("MongooseIM inbox stanzas", () => {
  it("builds <empty-bin/>", () => {
    expect(buildEmptyBin().toString()).toBe(`<iq type="set"><empty-bin xmlns="${NS}"/></iq>`);
  });

  it("reads the number of removed entries", () => {
    expect(parseEmptyBinResult(parseXmlElement(`<iq type='result'><empty-bin xmlns='${NS}'><num>2</num></empty-bin></iq>`))).toBe(2);
    expect(parseEmptyBinResult(parseXmlElement(`<iq type='result'><empty-bin xmlns='${NS}'><num> 0 </num></empty-bin></iq>`))).toBe(0);
  });

  it.each([`<iq type='result'/>`, `<iq type='result'><empty-bin xmlns='${NS}'/></iq>`, `<iq type='result'><empty-bin xmlns='${NS}'><num>-1</num></empty-bin></iq>`])(
    "answers null without a count: %s",
    (text) => expect(parseEmptyBinResult(parseXmlElement(text))).toBeNull(),
  );
});
