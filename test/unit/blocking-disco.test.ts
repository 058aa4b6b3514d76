import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { buildBlockChange, buildBlocklistGet, parseBlocklist } from "../../src/blocking/blocking.stanzas.js";
import { parseDiscoInfo, parseDiscoItems } from "../../src/xmpp/disco.js";

describe("XEP-0191 stanzas", () => {
  it("builds the blocklist query and block/unblock commands", () => {
    expect(buildBlocklistGet().toString()).toBe('<iq type="get"><blocklist xmlns="urn:xmpp:blocking"/></iq>');
    expect(buildBlockChange("unblock", ["a@b", "c@d"]).toString()).toBe(
      '<iq type="set"><unblock xmlns="urn:xmpp:blocking"><item jid="a@b"/><item jid="c@d"/></unblock></iq>',
    );
  });

  it("parses blocked JIDs, normalised, skipping bad ones", () => {
    const reply = xml("iq", { type: "result" }, xml("blocklist", { xmlns: "urn:xmpp:blocking" },
      xml("item", { jid: "Bob@Localhost/phone" }), xml("item", { jid: "bad@" }), xml("item", {}), xml("item", { jid: "muc.localhost" })));
    expect(parseBlocklist(reply)).toEqual(["bob@localhost", "muc.localhost"]);
    expect(parseBlocklist(reply, "full")).toEqual(["bob@localhost/phone", "muc.localhost"]);
    expect(parseBlocklist(xml("iq", { type: "result" }))).toEqual([]);
  });
});

describe("XEP-0030 parsing", () => {
  it("reads identities, features and items", () => {
    const info = parseDiscoInfo(xml("iq", {}, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" },
      xml("identity", { category: "conference", type: "text", name: "Chatrooms" }), xml("feature", { var: "http://jabber.org/protocol/muc" }))));
    expect(info.identities).toEqual([{ category: "conference", type: "text", name: "Chatrooms" }]);
    expect(info.features.has("http://jabber.org/protocol/muc")).toBe(true);
    const items = parseDiscoItems(xml("iq", {}, xml("query", { xmlns: "http://jabber.org/protocol/disco#items" },
      xml("item", { jid: "muc.localhost" }), xml("item", { name: "no jid" }))));
    expect(items).toEqual({ items: [{ jid: "muc.localhost", name: null, node: null }], rsm: null });
  });
});
