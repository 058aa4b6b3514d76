import { describe, expect, it } from "vitest";
import { buildChatStateMessage, parseChatState } from "../../src/xmpp/chat-states.js";
import {
  buildDisplayedItemsGet, buildDisplayedMarker, buildDisplayedPublish, parseDisplayedEvent, parseDisplayedItems, parseDisplayedMarker,
} from "../../src/xmpp/markers.js";
import {
  buildCorrection, buildReactions, buildRetraction, isFallbackBody, parseCorrection, parseReactions, parseRetraction,
} from "../../src/xmpp/message-edits.js";
import { buildPresence, parseResourcePresence, parseSubscriptionPresence, rankResources } from "../../src/xmpp/contact-presence.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";
import { buildCapsElement } from "../../src/xmpp/caps.js";

// Available presence carries the gateway's caps (XEP-0115), so that PEP pushes its +notify nodes.
const CAPS = buildCapsElement().toString();

const el = (text: string) => parseXmlElement(text);

describe("XEP-0085 chat states", () => {
  it("builds a standalone notification with a no-store hint", () => {
    expect(buildChatStateMessage("bob@localhost", "composing", "chat", "m1").toString()).toBe(
      '<message to="bob@localhost" type="chat" id="m1"><composing xmlns="http://jabber.org/protocol/chatstates"/><no-store xmlns="urn:xmpp:hints"/></message>',
    );
  });

  it("reads the state beside a body, and nothing from other elements", () => {
    expect(parseChatState(el("<message><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>"))).toBe("active");
    expect(parseChatState(el("<message><composing xmlns='urn:other'/></message>"))).toBeNull();
    expect(parseChatState(el("<message><typing xmlns='http://jabber.org/protocol/chatstates'/></message>"))).toBeNull();
  });
});

describe("XEP-0333 markers and XEP-0490 read positions", () => {
  it("builds a displayed marker that servers archive", () => {
    const marker = buildDisplayedMarker("bob@localhost", "orig-1", "chat", "m2");
    expect(marker.getChild("displayed", "urn:xmpp:chat-markers:0")?.attrs.id).toBe("orig-1");
    expect(marker.getChild("store", "urn:xmpp:hints")).toBeDefined();
    expect(parseDisplayedMarker(marker)).toBe("orig-1");
    expect(parseDisplayedMarker(el("<message><displayed xmlns='urn:xmpp:chat-markers:0'/></message>"))).toBeNull();
  });

  it("publishes a position with XEP-0490's publish options and reads it back", () => {
    const publish = buildDisplayedPublish({ conversation: "bob@localhost", stanzaId: "A1" }, "alice@localhost");
    const options = publish.getChild("pubsub")!.getChild("publish-options")!.getChild("x")!.getChildren("field");
    expect(Object.fromEntries(options.map((f) => [f.attrs.var, f.getChildText("value")]))).toEqual({
      FORM_TYPE: "http://jabber.org/protocol/pubsub#publish-options",
      "pubsub#persist_items": "true",
      "pubsub#max_items": "max",
      "pubsub#send_last_published_item": "never",
      "pubsub#access_model": "whitelist",
    });
    const item = publish.getChild("pubsub")!.getChild("publish")!;
    expect(item.attrs.node).toBe("urn:xmpp:mds:displayed:0");
    const reply = el(`<iq type='result'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='urn:xmpp:mds:displayed:0'>${item.getChild("item")!.toString()}<item id='broken'/></items></pubsub></iq>`);
    expect(parseDisplayedItems(reply)).toEqual([{ conversation: "bob@localhost", stanzaId: "A1" }]);
    expect(buildDisplayedItemsGet().getChild("pubsub")!.getChild("items")!.attrs.node).toBe("urn:xmpp:mds:displayed:0");
  });

  it("takes a PEP notification only from the user's own bare JID", () => {
    const event = (from: string) =>
      el(`<message from='${from}'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:mds:displayed:0'><item id='Bob@Localhost'><displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' id='Z9' by='alice@localhost'/></displayed></item></items></event></message>`);
    expect(parseDisplayedEvent(event("alice@localhost"), "alice@localhost")).toEqual([{ conversation: "bob@localhost", stanzaId: "Z9" }]);
    expect(parseDisplayedEvent(event("mallory@localhost"), "alice@localhost")).toEqual([]);
  });
});

describe("XEP-0308 corrections, XEP-0424 retractions, XEP-0444 reactions", () => {
  it("round-trips a correction", () => {
    const correction = buildCorrection("bob@localhost", "chat", "orig-1", "fixed", "m3");
    expect(correction.getChildText("body")).toBe("fixed");
    expect(parseCorrection(correction)).toBe("orig-1");
    expect(parseCorrection(el("<message><body>x</body></message>"))).toBeNull();
  });

  it("round-trips a retraction with its fallback body, and reads version 0", () => {
    const retraction = buildRetraction("bob@localhost", "chat", "orig-1", "m4");
    expect(parseRetraction(retraction)).toBe("orig-1");
    expect(isFallbackBody(retraction)).toBe(true);
    expect(retraction.getChild("store", "urn:xmpp:hints")).toBeDefined();
    expect(parseRetraction(el("<message><apply-to xmlns='urn:xmpp:fasten:0' id='old'><retract xmlns='urn:xmpp:message-retract:0'/></apply-to></message>"))).toBe("old");
    expect(parseRetraction(el("<message><apply-to xmlns='urn:xmpp:fasten:0' id='old'/></message>"))).toBeNull();
  });

  it("round-trips reactions, dropping duplicates and blanks; an empty set removes them", () => {
    expect(parseReactions(buildReactions("bob@localhost", "chat", "orig-1", ["👍", "🎉"], "m5"))).toEqual({ reactsTo: "orig-1", emojis: ["👍", "🎉"] });
    expect(parseReactions(el("<message><reactions xmlns='urn:xmpp:reactions:0' id='x'><reaction>👍</reaction><reaction>👍</reaction><reaction> </reaction></reactions></message>"))).toEqual({ reactsTo: "x", emojis: ["👍"] });
    expect(parseReactions(buildReactions("bob@localhost", "chat", "orig-1", [], "m6"))).toEqual({ reactsTo: "orig-1", emojis: [] });
    expect(parseReactions(el("<message><reactions xmlns='urn:xmpp:reactions:0'/></message>"))).toBeNull();
  });
});

describe("contact presence (RFC 6121 §4, XEP-0319) and subscription stanzas (§3)", () => {
  it("reads show, status, priority and idle time of a resource", () => {
    const parsed = parseResourcePresence(el("<presence from='Bob@Localhost/phone'><show>away</show><status>lunch</status><priority>5</priority><idle xmlns='urn:xmpp:idle:1' since='2026-12-01T10:00:00Z'/></presence>"));
    expect(parsed).toEqual({ bareJid: "bob@localhost", state: { resource: "phone", show: "away", status: "lunch", priority: 5, idleSince: new Date("2026-12-01T10:00:00Z") } });
    expect(parseResourcePresence(el("<presence from='bob@localhost/pc' type='unavailable'/>"))!.state.show).toBe("offline");
    expect(parseResourcePresence(el("<presence from='bob@localhost/pc'><show>bogus</show></presence>"))!.state.show).toBe("online");
    expect(parseResourcePresence(el("<presence from='bob@localhost' type='subscribe'/>"))).toBeNull();
  });

  it("ranks resources most available first, then by priority", () => {
    const state = (resource: string, show: "online" | "away" | "dnd" | "offline" | "chat", priority = 0) => ({ resource, show, status: null, priority, idleSince: null });
    expect(rankResources([state("a", "away", 10), state("b", "online", 0), state("c", "online", 5), state("d", "offline")]).map((r) => r.resource)).toEqual(["c", "b", "a"]);
  });

  it("builds own presence: plain available, with show/status/idle, and unavailable", () => {
    expect(buildPresence({ show: "online", status: null, priority: 0, idleSince: null }).toString()).toBe(`<presence><priority>0</priority>${CAPS}</presence>`);
    expect(buildPresence({ show: "dnd", status: "busy", priority: -1, idleSince: new Date("2026-12-01T10:00:00Z") }).toString()).toBe(
      `<presence><show>dnd</show><status>busy</status><priority>-1</priority><idle xmlns="urn:xmpp:idle:1" since="2026-12-01T10:00:00.000Z"/>${CAPS}</presence>`,
    );
    expect(buildPresence({ show: "offline", status: "bye", priority: 0, idleSince: null }).toString()).toBe('<presence type="unavailable"><status>bye</status></presence>');
  });

  it("reads subscription requests and answers with their status text", () => {
    expect(parseSubscriptionPresence(el("<presence from='Carol@Localhost/x' type='subscribe'><status>hi, it is Carol</status></presence>"))).toEqual({ from: "carol@localhost", kind: "subscribe", message: "hi, it is Carol" });
    expect(parseSubscriptionPresence(el("<presence from='carol@localhost' type='unsubscribed'/>"))).toEqual({ from: "carol@localhost", kind: "unsubscribed", message: null });
    expect(parseSubscriptionPresence(el("<presence from='carol@localhost'/>"))).toBeNull();
  });
});
