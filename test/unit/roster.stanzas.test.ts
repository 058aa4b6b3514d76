import { describe, expect, it } from "vitest";
import {
  buildRosterGet, buildRosterRemove, buildRosterSet, buildSubscriptionPresence, parseRosterItems,
} from "../../src/roster/roster.stanzas.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const NS = "jabber:iq:roster";

function rosterResult(items: string): ReturnType<typeof parseXmlElement> {
  return parseXmlElement(`<iq type='result' id='r1'><query xmlns='${NS}'>${items}</query></iq>`);
}

describe("roster stanza builders", () => {
  it("builds a roster get (RFC 6121 §2.1.3)", () => {
    expect(buildRosterGet().toString()).toBe(`<iq type="get"><query xmlns="${NS}"/></iq>`);
  });

  it("builds a roster set with name and groups in order", () => {
    const iq = buildRosterSet({ jid: "bob@localhost", name: "Bob", groups: ["Friends", "Work"] });
    expect(iq.attrs.type).toBe("set");
    const item = iq.getChild("query", NS)?.getChild("item");
    expect(item?.attrs).toEqual({ jid: "bob@localhost", name: "Bob" });
    expect(item?.getChildren("group").map((g) => g.text())).toEqual(["Friends", "Work"]);
  });

  it("leaves out name and groups when there are none", () => {
    for (const name of [undefined, null, ""]) {
      const iq = buildRosterSet({ jid: "bob@localhost", name, groups: null });
      expect(iq.toString()).toBe(`<iq type="set"><query xmlns="${NS}"><item jid="bob@localhost"/></query></iq>`);
    }
  });

  it("escapes group names and item names", () => {
    const xml = buildRosterSet({ jid: "bob@localhost", name: "a&b", groups: ["<g>"] }).toString();
    expect(xml).toContain('name="a&amp;b"');
    expect(xml).toContain("<group>&lt;g&gt;</group>");
  });

  it("builds a roster remove (RFC 6121 §2.1.6)", () => {
    expect(buildRosterRemove("bob@localhost").toString()).toBe(
      `<iq type="set"><query xmlns="${NS}"><item jid="bob@localhost" subscription="remove"/></query></iq>`,
    );
  });

  it.each(["subscribe", "subscribed", "unsubscribe", "unsubscribed"] as const)("builds a %s presence", (type) => {
    const presence = buildSubscriptionPresence("bob@localhost", type);
    expect(presence.toString()).toBe(`<presence to="bob@localhost" type="${type}"/>`);
  });
});

describe("parseRosterItems", () => {
  it("maps every subscription state and the pending ask", () => {
    const items = parseRosterItems(rosterResult(`
      <item jid='a@localhost' subscription='none'/>
      <item jid='b@localhost' subscription='to'/>
      <item jid='c@localhost' subscription='from'/>
      <item jid='d@localhost' subscription='both'/>
      <item jid='e@localhost' subscription='none' ask='subscribe'/>
      <item jid='f@localhost'/>
      <item jid='g@localhost' subscription='weird'/>`));
    expect(items.map((i) => [i.jid, i.subscription, i.ask])).toEqual([
      ["a@localhost", "NONE", "NONE"],
      ["b@localhost", "TO", "NONE"],
      ["c@localhost", "FROM", "NONE"],
      ["d@localhost", "BOTH", "NONE"],
      ["e@localhost", "NONE", "OUT"],
      ["f@localhost", "NONE", "NONE"],
      ["g@localhost", "NONE", "NONE"],
    ]);
  });

  it("reads name and groups, null when there is no name", () => {
    const [withName, without] = parseRosterItems(rosterResult(`
      <item jid='a@localhost' name='Alice' subscription='both'><group>Friends</group><group>Work</group></item>
      <item jid='b@localhost'/>`));
    expect(withName).toEqual({ jid: "a@localhost", name: "Alice", groups: ["Friends", "Work"], subscription: "BOTH", ask: "NONE" });
    expect(without).toEqual({ jid: "b@localhost", name: null, groups: [], subscription: "NONE", ask: "NONE" });
  });

  it("normalises JIDs: lower case, resource dropped", () => {
    const items = parseRosterItems(rosterResult(`<item jid='Bob@LocalHost/Phone'/><item jid='CAROL@EXAMPLE.ORG'/>`));
    expect(items.map((i) => i.jid)).toEqual(["bob@localhost", "carol@example.org"]);
  });

  it("skips items without a jid or with an invalid one, keeping the rest", () => {
    const items = parseRosterItems(rosterResult(`
      <item name='no jid'/>
      <item jid=''/>
      <item jid='bad user@localhost'/>
      <item jid='ok@localhost'/>`));
    expect(items.map((i) => i.jid)).toEqual(["ok@localhost"]);
  });

  it("returns no items for an empty or missing query", () => {
    expect(parseRosterItems(rosterResult(""))).toEqual([]);
    expect(parseRosterItems(parseXmlElement("<iq type='result' id='r1'/>"))).toEqual([]);
    expect(parseRosterItems(parseXmlElement("<iq type='result'><query xmlns='other'><item jid='a@b'/></query></iq>"))).toEqual([]);
  });
});
