import { describe, expect, it } from "vitest";
import { classifyMessage, type ReceivedMessage } from "../../src/events/classify-message.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const AT = new Date("2026-12-06T12:00:00Z");
const ALICE = "alice@localhost";

function received(xml: string, extra: Partial<ReceivedMessage> = {}): ReceivedMessage {
  return { message: parseXmlElement(xml), ownBareJid: ALICE, outgoing: false, archiveId: null, timestamp: AT, replayed: false, ...extra };
}

const kinds = (r: ReceivedMessage) => classifyMessage(r).map((e) => e.__typename);

describe("classifyMessage", () => {
  it("a chat message with a body and an active state: the message, and the peer's state", () => {
    const events = classifyMessage(received(
      "<message from='Bob@Localhost/phone' to='alice@localhost' type='chat' id='m1'><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
      { archiveId: "A1" },
    ));
    expect(events.map((e) => e.__typename)).toEqual(["MessageEvent", "ChatStateEvent"]);
    expect(events[0]).toMatchObject({
      cursor: "A1",
      replayed: false,
      message: { id: "A1", conversation: "bob@localhost", from: "Bob@Localhost/phone", body: "hi", outgoing: false, edited: false, retracted: false },
    });
    expect(events[1]).toMatchObject({ cursor: null, conversation: "bob@localhost", state: "ACTIVE" });
  });

  it("a sent carbon is outgoing, in the conversation with its recipient, and its typing state is dropped", () => {
    const events = classifyMessage(received(
      "<message from='alice@localhost/pc' to='bob@localhost' type='chat'><body>hey</body><composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
      { outgoing: true, archiveId: "A2" },
    ));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ __typename: "MessageEvent", message: { conversation: "bob@localhost", outgoing: true } });
  });

  it("typing alone is a chat state event without a cursor, and never replayed", () => {
    const typing = "<message from='bob@localhost/phone' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>";
    expect(classifyMessage(received(typing))).toMatchObject([{ __typename: "ChatStateEvent", cursor: null, state: "COMPOSING" }]);
    expect(classifyMessage(received(typing, { replayed: true }))).toEqual([]);
  });

  it("markers, corrections, retractions and reactions each point at the message they concern", () => {
    expect(classifyMessage(received("<message from='bob@localhost/x' type='chat'><displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/></message>", { archiveId: "A3" })))
      .toMatchObject([{ __typename: "DisplayedEvent", cursor: "A3", from: "bob@localhost/x", conversation: "bob@localhost", upTo: "m1" }]);
    expect(classifyMessage(received("<message from='bob@localhost/x' type='chat'><body>hi!</body><replace xmlns='urn:xmpp:message-correct:0' id='m1'/></message>")))
      .toMatchObject([{ __typename: "EditEvent", id: "m1", message: { id: "m1", body: "hi!", edited: true } }]);
    expect(classifyMessage(received("<message from='bob@localhost/x' type='chat'><retract xmlns='urn:xmpp:message-retract:1' id='m1'/><fallback xmlns='urn:xmpp:fallback:0' for='urn:xmpp:message-retract:1'/><body>fallback</body></message>")))
      .toMatchObject([{ __typename: "RetractEvent", id: "m1", from: "bob@localhost/x" }]);
    expect(classifyMessage(received("<message from='bob@localhost/x' type='chat'><reactions xmlns='urn:xmpp:reactions:0' id='m1'><reaction>👍</reaction></reactions></message>")))
      .toMatchObject([{ __typename: "ReactionEvent", id: "m1", emojis: ["👍"] }]);
  });

  it("rooms: a message's id is the room's stanza-id; subject, configuration and invitations are room events", () => {
    const [event] = classifyMessage(received("<message from='tea@muc.localhost/bob' type='groupchat' id='own'><body>hello</body><stanza-id xmlns='urn:xmpp:sid:0' by='tea@muc.localhost' id='R1'/></message>"));
    expect(event).toMatchObject({ __typename: "MessageEvent", cursor: null, message: { id: "R1", conversation: "tea@muc.localhost" } });
    expect(classifyMessage(received("<message from='tea@muc.localhost/bob' type='groupchat'><subject>Tea time</subject></message>")))
      .toMatchObject([{ __typename: "RoomEvent", kind: "SUBJECT", room: "tea@muc.localhost", subject: "Tea time", actor: "tea@muc.localhost/bob" }]);
    // The current subject a room sends as the user enters is no change.
    expect(classifyMessage(received("<message from='tea@muc.localhost' type='groupchat'><subject/></message>", { isEntrySubject: (room) => room === "tea@muc.localhost" }))).toEqual([]);
    expect(classifyMessage(received("<message from='tea@muc.localhost' type='groupchat'><x xmlns='http://jabber.org/protocol/muc#user'><status code='104'/></x></message>")))
      .toMatchObject([{ __typename: "RoomEvent", kind: "CONFIG" }]);
    expect(classifyMessage(received("<message from='tea@muc.localhost'><body>join us</body><x xmlns='http://jabber.org/protocol/muc#user'><invite from='bob@localhost/x'/></x></message>", { archiveId: "A4" })))
      .toMatchObject([{ __typename: "RoomEvent", kind: "INVITATION", room: "tea@muc.localhost", actor: "bob@localhost/x", cursor: "A4" }]);
    expect(classifyMessage(received("<message from='bob@localhost/x'><x xmlns='jabber:x:conference' jid='Tea@muc.localhost'/></message>")))
      .toMatchObject([{ __typename: "RoomEvent", kind: "INVITATION", room: "tea@muc.localhost", actor: "bob@localhost" }]);
  });

  it("read positions pushed by the user's own PEP service are the user's displayed events; errors are nothing", () => {
    const mds = "<message from='alice@localhost'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='urn:xmpp:mds:displayed:0'><item id='bob@localhost'><displayed xmlns='urn:xmpp:mds:displayed:0'><stanza-id xmlns='urn:xmpp:sid:0' id='A9' by='alice@localhost'/></displayed></item></items></event></message>";
    expect(classifyMessage(received(mds))).toMatchObject([{ __typename: "DisplayedEvent", from: ALICE, conversation: "bob@localhost", upTo: "A9" }]);
    expect(kinds(received("<message from='bob@localhost/x' type='error'><body>x</body></message>"))).toEqual([]);
    expect(kinds(received("<message from='bob@localhost/x'><received xmlns='urn:xmpp:receipts' id='m1'/></message>"))).toEqual([]);
  });
});
