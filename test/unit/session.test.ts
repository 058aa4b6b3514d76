import { describe, expect, it } from "vitest";
import {
  GATEWAY_RESOURCE, buildPresenceProbe, ownResource, ownResources, parsePresencePriority,
} from "../../src/session/session.stanzas.js";
import { parseDiscoItems } from "../../src/xmpp/disco.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const ITEMS = "http://jabber.org/protocol/disco#items";
const ME = "alice@localhost";

function itemsReply(items: string) {
  return parseXmlElement(`<iq type='result' from='${ME}' id='d1'><query xmlns='${ITEMS}'>${items}</query></iq>`);
}

describe("session stanza builders", () => {
  it("probes one full JID (RFC 6121 §4.3.1)", () => {
    expect(buildPresenceProbe(`${ME}/phone`).toString()).toBe(`<presence type="probe" to="${ME}/phone"/>`);
  });
});

describe("ownResources (of a disco#items answer on the own bare JID)", () => {
  const parseItemResources = (reply: ReturnType<typeof itemsReply>, bareJid: string) => ownResources(parseDiscoItems(reply).items.map((item) => item.jid), bareJid);
  it("reads resources from ejabberd's answer, in order, normalised and without duplicates", () => {
    const reply = itemsReply(
      `<item name='alice' jid='${ME}/graphql-0123456789ab'/><item name='alice' jid='Alice@LOCALHOST/hidden'/>` +
        `<item jid='${ME}/laptop'/><item jid='${ME}/hidden'/><item jid='${ME}/res₁'/>`,
    );
    expect(parseItemResources(reply, ME)).toEqual(["graphql-0123456789ab", "hidden", "laptop", "res1"]);
  });

  it("ignores PEP nodes (Prosody), other entities and unparsable JIDs", () => {
    const reply = itemsReply(
      `<item jid='${ME}' node='urn:xmpp:avatar:data'/><item jid='bob@localhost/phone'/><item jid='localhost'/>` +
        `<item jid='alice@other.example/x'/><item jid='a b@localhost/x'/><item/>`,
    );
    expect(parseItemResources(reply, ME)).toEqual([]);
    expect(parseItemResources(parseXmlElement(`<iq type='result'/>`), ME)).toEqual([]);
  });
});

describe("parsePresencePriority (RFC 6121 §4.7.2.3)", () => {
  const presence = (attrs: string, children = "") => parseXmlElement(`<presence from='${ME}/r' ${attrs}>${children}</presence>`);
  it("reads the priority of an available presence", () => {
    expect(parsePresencePriority(presence("", "<priority>5</priority>"))).toBe(5);
    expect(parsePresencePriority(presence("", "<priority> -2 </priority>"))).toBe(-2);
  });
  it("defaults to 0 when absent or not a number, and clamps to -128…127", () => {
    expect(parsePresencePriority(presence("", "<show>away</show>"))).toBe(0);
    expect(parsePresencePriority(presence("", "<priority>high</priority>"))).toBe(0);
    expect(parsePresencePriority(presence("", "<priority>300</priority>"))).toBe(127);
    expect(parsePresencePriority(presence("", "<priority>-300</priority>"))).toBe(-128);
  });
  it("has no priority for unavailable or error presence", () => {
    expect(parsePresencePriority(presence("type='unavailable'", "<priority>5</priority>"))).toBeNull();
    expect(parsePresencePriority(presence("type='error'"))).toBeNull();
  });
});

describe("ownResource", () => {
  it("returns the resource of the account's own full JIDs only", () => {
    expect(ownResource(`${ME}/phone`, ME)).toBe("phone");
    expect(ownResource(`ALICE@localhost/Phone`, ME)).toBe("Phone");
    expect(ownResource(ME, ME)).toBeUndefined();
    expect(ownResource("bob@localhost/phone", ME)).toBeUndefined();
    expect(ownResource(undefined, ME)).toBeUndefined();
    expect(ownResource("@@/", ME)).toBeUndefined();
  });
});

describe("gateway resources", () => {
  it("recognises the resource pooled sessions bind, and nothing a user would pick by chance", () => {
    expect(GATEWAY_RESOURCE.test("graphql-3c9712f0c66f")).toBe(true);
    for (const r of ["graphql", "graphql-", "graphql-client", "graphql-3c9712f0c66f0", "my-graphql-3c9712f0c66f"]) {
      expect(GATEWAY_RESOURCE.test(r)).toBe(false);
    }
  });
});
