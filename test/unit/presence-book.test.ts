import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { PresenceBook } from "../../src/presence/presence-book.js";
import type { ResourceState } from "../../src/xmpp/contact-presence.js";

const state = (resource: string, show: ResourceState["show"], extra: Partial<ResourceState> = {}): ResourceState => ({
  resource, show, status: null, priority: 0, idleSince: null, ...extra,
});

describe("PresenceBook", () => {
  it("sums a contact's resources up: the most available one is shown, all online ones listed", () => {
    const book = new PresenceBook();
    book.apply("bob@localhost", state("pc", "away", { status: "lunch", priority: 5 }));
    const summary = book.apply("bob@localhost", state("phone", "online", { status: "on the go" }));
    expect(summary).toMatchObject({ jid: "bob@localhost", show: "ONLINE", status: "on the go" });
    expect(summary.resources.map((r) => [r.resource, r.show])).toEqual([["phone", "ONLINE"], ["pc", "AWAY"]]);
  });

  it("a resource leaving falls back to the next; the last one leaving is OFFLINE with its status", () => {
    const book = new PresenceBook();
    book.apply("bob@localhost", state("pc", "dnd"));
    book.apply("bob@localhost", state("phone", "online"));
    expect(book.apply("bob@localhost", state("phone", "offline")).show).toBe("DND");
    expect(book.apply("bob@localhost", state("pc", "offline", { status: "bye" }))).toMatchObject({ show: "OFFLINE", status: "bye", resources: [] });
    expect(book.online()).toEqual([]);
  });

  it("lists online contacts for a snapshot, and forgets them all when cleared", () => {
    const book = new PresenceBook();
    book.apply("carol@localhost", state("x", "xa"));
    book.apply("bob@localhost", state("y", "chat"));
    expect(book.online().map((c) => [c.jid, c.show])).toEqual([["bob@localhost", "CHAT"], ["carol@localhost", "XA"]]);
    book.clear();
    expect(book.online()).toEqual([]);
    expect(book.summary("bob@localhost").show).toBe("OFFLINE");
  });

  it("forgets what it heard when the session becomes available again or goes unavailable; room presence is no contact's", () => {
    let epoch: number | undefined = 1;
    const book = new PresenceBook(() => epoch);
    book.take(xml("presence", { from: "bob@localhost/pc" }, xml("show", {}, "away")));
    book.take(xml("presence", { from: "room@muc.localhost/bob" }, xml("x", { xmlns: "http://jabber.org/protocol/muc#user" })));
    expect(book.online().map((c) => [c.jid, c.show])).toEqual([["bob@localhost", "AWAY"]]);
    epoch = 2;
    expect(book.knows("bob@localhost")).toBe(false);
    book.take(xml("presence", { from: "bob@localhost/pc" }));
    epoch = undefined;
    expect(book.online()).toEqual([]);
  });
});
