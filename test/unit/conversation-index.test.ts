import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import {
  emptyIndex, foldEntry, newEntry, pageOf, parseCursor, routeOwnRecord, stampOf, type ConversationEntry,
} from "../../src/conversations/conversation-index.js";
import {
  MAX_BODY_CHARS, MAX_SHARD_CHARS, boundedStanza, buildEntry, buildHead, buildShard, indexFrom, parseEntry, parseHead, shardOf, SHARDS,
} from "../../src/conversations/conversation-store.js";
import { buildCorrection, buildReactions, buildRetraction } from "../../src/xmpp/message-edits.js";
import { serializeXml } from "../../src/private/private.stanzas.js";
import { ME, PEER, ROOM, chat, createArchive, inRoom, oneToOne } from "../support/archive-records.js";
import { buildCapsElement, buildOwnDiscoInfo, capsVer } from "../../src/xmpp/caps.js";

const { archived } = createArchive();

describe("foldEntry", () => {
  it("keeps the newest message with a body, counts others' messages once however often they are folded, and applies changes to it", () => {
    const entry = newEntry(PEER, "ONE_TO_ONE", 0);
    const first = archived(chat("hi", "m1", ME), `${PEER}/pc`);
    const mine = archived(chat("hello", "m2"), `${ME}/phone`);
    const second = archived(chat("how are you", "m3", ME), `${PEER}/pc`);
    expect(foldEntry(entry, [first, mine, second], oneToOne, 5000)).toBe(true);
    expect(entry).toMatchObject({ unread: 2, modifiedAt: 5000, last: { body: "how are you", outgoing: false } });
    // The same records again (a save lost, another instance): nothing changes.
    expect(foldEntry(entry, [first, mine, second], oneToOne, 9000)).toBe(false);
    expect(entry).toMatchObject({ unread: 2, modifiedAt: 5000 });
    const edit = archived(buildCorrection(ME, "chat", "m3", "how are you?", "c1"), `${PEER}/pc`);
    const react = archived(buildReactions(PEER, "chat", "m3", ["👍"], "r1"), `${ME}/phone`);
    expect(foldEntry(entry, [edit, react], oneToOne, 10_000)).toBe(true);
    expect(entry.last).toMatchObject({ body: "how are you?", edited: true, reactions: [{ emoji: "👍", count: 1, by: [ME] }] });
    expect(entry.unread).toBe(2);
    const retract = archived(buildRetraction(ME, "chat", "m3", "x1"), `${PEER}/pc`);
    foldEntry(entry, [retract], oneToOne, 11_000);
    expect(entry.last).toMatchObject({ retracted: true });
  });

  it("counts messages of the same second by id, and a room's own nick as outgoing", () => {
    const entry = newEntry(ROOM, "ROOM", 0);
    const at = 1_800_000_000_000;
    const a = archived(xml("message", { type: "groupchat", to: ME }, xml("body", {}, "one")), `${ROOM}/bob`, at);
    const b = archived(xml("message", { type: "groupchat", to: ME }, xml("body", {}, "two")), `${ROOM}/bob`, at + 200);
    const own = archived(xml("message", { type: "groupchat", to: ME }, xml("body", {}, "mine")), `${ROOM}/alice`, at + 400);
    foldEntry(entry, [a], inRoom, 1);
    foldEntry(entry, [a, b, own], inRoom, 2);
    expect(entry).toMatchObject({ unread: 2, last: { body: "mine", outgoing: true } });
    expect(entry.seenIds).toEqual([a.archiveId, b.archiveId, own.archiveId]);
  });
});

describe("routeOwnRecord", () => {
  it("files chats under the peer, invitations under the room, and leaves out group chat and private room messages", () => {
    expect(routeOwnRecord(archived(chat("hi", "m1", ME), `${PEER}/pc`), ME)).toEqual({ kind: "chat", peer: PEER });
    expect(routeOwnRecord(archived(chat("hi", "m1", "Bob@Example.org"), `${ME}/pc`), ME)).toEqual({ kind: "chat", peer: PEER });
    const invite = xml("message", { to: ME }, xml("x", { xmlns: "http://jabber.org/protocol/muc#user" }, xml("invite", { from: PEER })), xml("body", {}, "join us"));
    expect(routeOwnRecord(archived(invite, ROOM), ME)).toEqual({ kind: "room", room: ROOM });
    expect(routeOwnRecord(archived(xml("message", { to: ME, type: "groupchat" }, xml("body", {}, "x")), `${ROOM}/bob`), ME)).toBeNull();
    const pm = xml("message", { to: ME, type: "chat" }, xml("x", { xmlns: "http://jabber.org/protocol/muc#user" }), xml("body", {}, "psst"));
    expect(routeOwnRecord(archived(pm, `${ROOM}/bob`), ME)).toBeNull();
    expect(routeOwnRecord(archived(chat("note", "m9", ME), `${ME}/pc`), ME)).toBeNull();
  });
});

describe("pageOf / stampOf", () => {
  const entry = (id: string, activity: number | null, modifiedAt: number): ConversationEntry =>
    ({ ...newEntry(id, "ONE_TO_ONE", modifiedAt), lastActivity: activity === null ? null : new Date(activity) });

  it("orders by activity (none last, ties by id), pages after an opaque cursor, and filters on the stamp", () => {
    const entries = [entry("c@x", 2000, 10_000), entry("a@x", 3000, 12_000), entry("b@x", 2000, 11_000), entry("room@x", null, 13_000)];
    const one = pageOf(entries, { modifiedSince: null, first: 2, after: null });
    expect(one.entries.map((e) => e.id)).toEqual(["a@x", "b@x"]);
    expect(one.hasMore).toBe(true);
    const two = pageOf(entries, { modifiedSince: null, first: 2, after: parseCursor(one.endCursor!) });
    expect(two.entries.map((e) => e.id)).toEqual(["c@x", "room@x"]);
    expect(two.hasMore).toBe(false);
    expect(pageOf(entries, { modifiedSince: new Date(11_000), first: 10, after: null }).entries.map((e) => e.id)).toEqual(["a@x", "room@x"]);
    expect(parseCursor("garbage")).toBeNull();
  });

  it("stamps a change above the second it was learned in, so a watermark read back to the second never misses it", () => {
    const watermark = 1_700_000_000_250;
    const floor = Math.floor(watermark / 1000) * 1000;
    expect(stampOf(watermark)).toBeGreaterThan(floor);
    expect(stampOf(floor)).toBeGreaterThan(floor);
    expect(stampOf(floor - 1)).toBe(floor);
  });
});

describe("conversation store", () => {
  it("round-trips an entry with its last message, read position and seen ids", () => {
    const entry = newEntry(PEER, "ONE_TO_ONE", 7000);
    foldEntry(entry, [archived(chat("hi <there> & you", "m1", ME), `${PEER}/pc`)], oneToOne, 7000);
    Object.assign(entry, { lastReadId: "r1", favorite: true });
    const back = parseEntry(buildEntry(entry))!;
    expect(back).toMatchObject({ id: PEER, kind: "ONE_TO_ONE", unread: 1, lastReadId: "r1", favorite: true, modifiedAt: 7000, seenIds: entry.seenIds });
    expect(back.last).toMatchObject({ id: entry.last!.id, body: "hi <there> & you", outgoing: false, conversation: PEER });
    expect(back.last!.timestamp.getTime()).toBe(entry.last!.timestamp.getTime());
    expect(back.lastPointers).toEqual(entry.lastPointers);
    expect(parseHead(buildHead({ cursor: "c9", built: true, rev: "v1" }))).toEqual({ cursor: "c9", built: true, rev: "v1" });
    // Prosody stores a childless element as nothing.
    expect(buildHead({ cursor: "c9", built: true, rev: "v1" }).children).toHaveLength(1);
    expect(parseHead(null)).toEqual({ cursor: null, built: false, rev: null });
  });

  it("bounds a big stanza and a full shard, and spreads entries over the shards", () => {
    const big = chat("x".repeat(10_000), "m1", ME);
    expect(boundedStanza(big).getChildText("body")).toHaveLength(MAX_BODY_CHARS);
    const entries = Array.from({ length: 400 }, (_, i) => {
      const e = newEntry(`user${i}@example.org`, "ONE_TO_ONE", i);
      foldEntry(e, [archived(chat("y".repeat(900), `m${i}`, ME), `user${i}@example.org/pc`)], oneToOne, i);
      return e;
    });
    const shard = buildShard(0, entries);
    expect(serializeXml(shard).length).toBeLessThanOrEqual(MAX_SHARD_CHARS + 200);
    expect(shard.getChildren("c").length).toBeLessThan(entries.length);
    const used = new Set(entries.map((e) => shardOf(e.id)));
    expect(used.size).toBe(SHARDS);
    const index = indexFrom({ cursor: "c", built: true, rev: null }, [shard]);
    expect(index.entries.size).toBe(shard.getChildren("c").length);
    expect(emptyIndex()).toMatchObject({ cursor: null, built: false });
  });
});

describe("entity capabilities (XEP-0115)", () => {
  it("announces a ver hash that matches the disco#info answer, with the +notify of read positions", () => {
    expect(buildCapsElement().attrs).toMatchObject({ xmlns: "http://jabber.org/protocol/caps", hash: "sha-1", ver: capsVer() });
    const info = buildOwnDiscoInfo("node#ver");
    expect(info.attrs.node).toBe("node#ver");
    expect(info.getChildren("feature").map((f) => f.attrs.var)).toContain("urn:xmpp:mds:displayed:0+notify");
    expect(capsVer()).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });
});
