import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { PENDING_REQUESTS_FRESH_MS, PendingRequests, withPendingRequests } from "../../src/roster/roster.pending.js";
import type { RosterItem } from "../../src/roster/roster.stanzas.js";

const item = (jid: string, subscription: RosterItem["subscription"], ask: RosterItem["ask"] = "NONE"): RosterItem =>
  ({ jid, name: "n", groups: ["g"], subscription, ask });

describe("withPendingRequests", () => {
  it("IN where the contact does not see the user yet, BOTH with the user's own request, a request-only contact listed after", () => {
    const items = [item("a@x", "NONE"), item("b@x", "NONE", "OUT"), item("c@x", "TO"), item("d@x", "FROM"), item("e@x", "BOTH"), item("f@x", "NONE")];
    const pending = new Set(["a@x", "b@x", "c@x", "d@x", "e@x", "z@x", "m@x"]);
    expect(withPendingRequests(items, pending).map((i) => [i.jid, i.subscription, i.ask])).toEqual([
      ["a@x", "NONE", "IN"], ["b@x", "NONE", "BOTH"], ["c@x", "TO", "IN"], ["d@x", "FROM", "NONE"], ["e@x", "BOTH", "NONE"], ["f@x", "NONE", "NONE"],
      ["m@x", "NONE", "IN"], ["z@x", "NONE", "IN"],
    ]);
    expect(withPendingRequests([], new Set(["q@x"]))).toEqual([{ jid: "q@x", name: null, groups: [], subscription: "NONE", ask: "IN" }]);
  });
});

describe("PendingRequests", () => {
  it("is fresh for the bound after a glimpse, and follows requests, withdrawals, approvals elsewhere and the user's answers", () => {
    let now = 1_000;
    const pending = new PendingRequests("alice@x", () => now);
    expect(pending.fresh).toBe(false);
    pending.replace(["bob@x", "alice@x"]);
    expect([...pending.jids]).toEqual(["bob@x"]);
    expect(pending.fresh).toBe(true);
    pending.take(xml("presence", { from: "carol@x/phone", type: "subscribe" }));
    pending.take(xml("presence", { from: "dave@x", type: "subscribe" }));
    pending.take(xml("presence", { from: "erin@x", type: "subscribe" }));
    pending.take(xml("presence", { from: "dave@x", type: "unsubscribe" }));
    pending.take(xml("presence", { from: "bob@x", type: "subscribed" }));
    expect([...pending.jids].sort()).toEqual(["bob@x", "carol@x", "erin@x"]);
    pending.take(xml("iq", { type: "set" }, xml("query", { xmlns: "jabber:iq:roster" }, xml("item", { jid: "carol@x", subscription: "from" }))));
    pending.answered("erin@x");
    expect([...pending.jids]).toEqual(["bob@x"]);
    now += PENDING_REQUESTS_FRESH_MS;
    expect(pending.fresh).toBe(false);
  });
});
