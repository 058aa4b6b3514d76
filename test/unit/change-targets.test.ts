import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { ChangeTargets } from "../../src/events/change-targets.js";
import type { ChatEvent, MessageModel } from "../../src/events/event.models.js";

const base = { cursor: null, at: new Date(0), replayed: false };
const message = (id: string, senderId: string, conversation = "bob@x"): MessageModel => ({
  id, conversation, from: `${conversation}/pc`, timestamp: new Date(0), body: "hi", subject: null, outgoing: false, edited: false, retracted: false, reactions: [],
  stanza: xml("message", { type: "chat", id: senderId }, xml("body", {}, "hi")),
});
const delivered = (m: MessageModel): ChatEvent => ({ __typename: "MessageEvent", type: "MESSAGE", ...base, message: m });
const reaction = (id: string, conversation = "bob@x"): ChatEvent => ({ __typename: "ReactionEvent", type: "REACTION", ...base, conversation, id, from: `${conversation}/pc`, emojis: ["👍"] });

describe("ChangeTargets", () => {
  it("names a change's message by the Message.id the stream delivered it with, per conversation", () => {
    const targets = new ChangeTargets();
    targets.apply(delivered(message("archive-1", "m1")));
    expect(targets.apply(reaction("m1"))).toMatchObject({ id: "archive-1" });
    expect(targets.apply(reaction("m1", "carol@x"))).toMatchObject({ id: "m1" });
    expect(targets.apply(reaction("unknown"))).toMatchObject({ id: "unknown" });
  });

  it("forgets the oldest messages beyond its capacity", () => {
    const targets = new ChangeTargets(2);
    for (const n of [1, 2, 3]) targets.apply(delivered(message(`archive-${n}`, `m${n}`)));
    expect(targets.apply(reaction("m1"))).toMatchObject({ id: "m1" });
    expect(targets.apply(reaction("m3"))).toMatchObject({ id: "archive-3" });
  });
});
