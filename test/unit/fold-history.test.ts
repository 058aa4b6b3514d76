import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { foldHistory, pointerIdFor } from "../../src/conversations/fold-history.js";
import { buildCorrection, buildReactions, buildRetraction } from "../../src/xmpp/message-edits.js";
import { buildArchiveQuery } from "../../src/xmpp/mam.js";
import { ME, PEER, ROOM, chat, createArchive, inRoom, oneToOne } from "../support/archive-records.js";

const archive = createArchive();
const archived = archive.archived;

describe("foldHistory", () => {
  it("applies the sender's corrections and retractions, ignores anyone else's, and keeps changes out of the messages", () => {
    const mine = archived(chat("helo", "m1"), `${ME}/phone`);
    const theirs = archived(chat("hi", "m2", ME), `${PEER}/pc`);
    const records = [
      mine, theirs,
      archived(buildCorrection(PEER, "chat", "m1", "hello", "c1"), `${ME}/laptop`),
      archived(buildCorrection(PEER, "chat", "c1", "hello!", "c2"), `${ME}/laptop`), // pointing at the first correction
      archived(buildCorrection(ME, "chat", "m1", "hacked", "c3"), `${PEER}/pc`), // not Bob's message
      archived(buildRetraction(ME, "chat", "m1", "r1"), `${PEER}/pc`), // nor this
      archived(buildRetraction(PEER, "chat", "m2", "r2"), `${ME}/phone`), // not Alice's
    ];
    const folded = foldHistory(records, oneToOne).map((m) => m.model);
    expect(folded.map((m) => [m.id, m.body, m.edited, m.retracted, m.outgoing])).toEqual([
      ["a" + (archive.count() - 6), "hello!", true, false, true],
      ["a" + (archive.count() - 5), "hi", false, false, false],
    ]);
  });

  it("retracts with the fallback text as body, and aggregates reactions per emoji, each reactor's latest set", () => {
    const m = archived(chat("hi", "m1"), `${ME}/phone`);
    const records = [
      m,
      archived(buildReactions(ME, "chat", "m1", ["👍", "😀"], "x1"), `${PEER}/pc`),
      archived(buildReactions(PEER, "chat", "m1", ["👍"], "x2"), `${ME}/phone`),
      archived(buildReactions(ME, "chat", "m1", ["👍"], "x3"), `${PEER}/pc`),
      archived(buildRetraction(PEER, "chat", "m1", "r1"), `${ME}/laptop`),
    ];
    const [folded] = foldHistory(records, oneToOne).map((x) => x.model);
    expect(folded).toMatchObject({ retracted: true, body: expect.stringContaining("retract"), reactions: [{ emoji: "👍", count: 2, by: [PEER, ME] }] });
  });

  it("in a room, changes point at the room's archive id and count per occupant", () => {
    const post = archived(xml("message", { to: ME, type: "groupchat", id: "own-id" }, xml("body", {}, "hi all")), `${ROOM}/alice`);
    expect(pointerIdFor(post, inRoom)).toBe(post.archiveId);
    const records = [
      post,
      archived(buildCorrection(ROOM, "groupchat", "own-id", "ignored: not the room's id", "c0"), `${ROOM}/alice`),
      archived(buildCorrection(ROOM, "groupchat", post.archiveId!, "hi everyone", "c1"), `${ROOM}/alice`),
      archived(buildCorrection(ROOM, "groupchat", post.archiveId!, "hijacked", "c2"), `${ROOM}/mallory`),
      archived(buildReactions(ROOM, "groupchat", post.archiveId!, ["🎉"], "x1"), `${ROOM}/bob`),
    ];
    const [folded] = foldHistory(records, inRoom).map((x) => x.model);
    expect(folded).toMatchObject({ id: post.archiveId, conversation: ROOM, body: "hi everyone", edited: true, outgoing: true, reactions: [{ emoji: "🎉", count: 1, by: [`${ROOM}/bob`] }] });
  });
});

describe("buildArchiveQuery paging", () => {
  it("pages back from an archive id, and filters on ids", () => {
    const q = buildArchiveQuery({ queryId: "q", max: 10, beforeId: "abc", ids: ["x", "y"] });
    const query = q.getChild("query")!;
    expect(query.getChild("set")!.getChildText("before")).toBe("abc");
    const ids = query.getChild("x")!.getChildren("field").find((f) => f.attrs.var === "ids")!;
    expect(ids.getChildren("value").map((v) => v.text())).toEqual(["x", "y"]);
  });
});
