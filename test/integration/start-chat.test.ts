import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { basicAuth } from "../support/gateway.js";
import { useGateway, useSubscribers } from "../support/use-gateway.js";
import { isRoomEvent, streamEvent, subscribeWs, untilLive } from "../support/subscribers.js";
import type { RawClient } from "../support/xmpp-client.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

/*
 * chat.startChat: one invitee gets a chat message; several get a MUC Light room with the
 * subject, their invitations and the first message — seen by independent XMPP clients.
 * A failing step answers its code and `extensions.step`, and leaves nothing behind.
 */

const NS_MUC = "http://jabber.org/protocol/muc";
const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
const START = `mutation($invitees: [BareJID!]!, $message: String!, $subject: String, $mucDomain: DomainName) {
  chat { startChat(invitees: $invitees, message: $message, subject: $subject, mucDomain: $mucDomain) {
    id kind name subject lastMessage { body outgoing }
  } }
}`;
const ROOMS = "{ muc_light { listRooms } }";
const STREAM = `subscription { events { stream {
  __typename
  ... on MessageEvent { message { body } }
  ... on RoomEvent { room roomEvent: kind actor }
} } }`;

const gw = useGateway();
const subs = useSubscribers();

async function startChat(user: SandboxUser, variables: Record<string, unknown>) {
  const r = await gw.gql(START, variables, user);
  expect(r.status).toBe(200);
  return r.body;
}

async function started(user: SandboxUser, variables: Record<string, unknown>): Promise<any> {
  const body = await startChat(user, variables);
  expect(body.errors, JSON.stringify(body)).toBeUndefined();
  return body.data.chat.startChat;
}

async function rooms(user: SandboxUser): Promise<string[]> {
  const r = await gw.gql(ROOMS, undefined, user);
  expect(r.body.errors, JSON.stringify(r.body)).toBeUndefined();
  return r.body.data.muc_light.listRooms;
}

const isInvitation = (room: string) => (s: Element) =>
  s.name === "message" && s.attrs.from === room && !!s.getChild("x", NS_MUC_USER)?.getChild("invite");

/** A raw client enters a room (as a member) and returns what the room sent it up to its own presence and the history after it. */
async function rawJoin(c: RawClient, room: string, nick: string, firstBody: string): Promise<Element> {
  await c.send(xml("presence", { to: `${room}/${nick}` }, xml("x", { xmlns: NS_MUC })));
  const self = await c.waitFor((s) => s.name === "presence" && s.attrs.from === `${room}/${nick}`);
  expect(self.attrs.type, self.toString()).toBeUndefined();
  return c.waitFor((s) => s.name === "message" && s.attrs.type === "groupchat" && s.attrs.from?.startsWith(`${room}/`) === true && s.getChildText("body") === firstBody);
}

describe("chat.startChat", () => {
  it("one invitee: a chat message with the subject, and the one-to-one conversation", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "start-one");
    const bobClient = await gw.connect(bob!);
    const conversation = await started(alice!, { invitees: [bob!.jid.toUpperCase()], message: "Shall we talk?", subject: "New building" });
    expect(conversation).toMatchObject({ id: bob!.jid, kind: "ONE_TO_ONE", lastMessage: { body: "Shall we talk?", outgoing: true } });
    const message = await bobClient.waitFor((s) => s.name === "message" && s.getChildText("body") === "Shall we talk?");
    expect(message.attrs).toMatchObject({ type: "chat" });
    expect(message.attrs.from?.split("/")[0]).toBe(alice!.jid);
    expect(message.getChildText("subject")).toBe("New building");
    expect(conversation.subject).toBe("New building");
  });

  it("three invitees: a room with the subject; the invitees get the invitation (stream or raw client) and find the first message", async () => {
    const [alice, ...invitees] = await gw.sandbox.createUsers(4, "start-room");
    // The first invitee follows its gateway event stream (with no other client, so that the
    // invitation comes to the stream); the others use independent XMPP clients.
    const clients = await Promise.all(invitees.slice(1).map((u) => gw.connect(u!)));
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(invitees[0]!) }, STREAM);
    subs.push(sub);
    await untilLive(sub, (body) => clients[0]!.send(xml("message", { to: invitees[0]!.jid, type: "chat" }, xml("body", {}, body))), (e) => streamEvent(e)?.message?.body);
    const conversation = await started(alice!, { invitees: invitees.map((u) => u!.jid), message: "Welcome, all", subject: "Owls" });
    const room = conversation.id as string;
    expect(room.endsWith(`@${gw.sandbox.mucDomain}`)).toBe(true);
    expect(conversation).toMatchObject({ kind: "ROOM", name: "Owls", subject: "Owls", lastMessage: { body: "Welcome, all" } });
    expect(await rooms(alice!)).toEqual([room]);
    expect(streamEvent(await sub.waitFor(isRoomEvent(room, "INVITATION")))).toMatchObject({ actor: expect.stringContaining(alice!.jid) });

    for (const [i, c] of clients.entries()) {
      const invitation = await c.waitFor(isInvitation(room));
      expect(invitation.getChild("x", NS_MUC_USER)!.getChild("invite")!.attrs.from?.split("/")[0]).toBe(alice!.jid);
      const first = await rawJoin(c, room, `guest${i}`, "Welcome, all");
      expect(first.getChildText("body")).toBe("Welcome, all");
      const subject = await c.waitFor((s) => s.name === "message" && s.attrs.from?.startsWith(room) === true && s.getChildText("subject") !== null && s.getChildText("body") === null);
      expect(subject.getChildText("subject")).toBe("Owls");
    }
    // An invitee's conversation list has the room with its name, subject and first message.
    const listed = await gw.gql("{ conversations { list { items { id kind name subject lastMessage { body } } } } }", undefined, invitees[0]);
    expect(listed.body.data.conversations.list.items).toContainEqual({ id: room, kind: "ROOM", name: "Owls", subject: "Owls", lastMessage: { body: "Welcome, all" } });
    const users = await gw.gql(`{ muc_light { listRoomUsers(room: ${JSON.stringify(room)}) { jid affiliation } } }`, undefined, alice);
    expect(users.body.data.muc_light.listRoomUsers).toEqual([
      { jid: alice!.jid, affiliation: "OWNER" },
      ...invitees.map((u) => ({ jid: u!.jid, affiliation: "MEMBER" })).sort((a, b) => (a.jid < b.jid ? -1 : 1)),
    ]);
  });

  it("a mucDomain that is not a MUC service fails at create_room and leaves no room", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3, "start-nomuc");
    const body = await startChat(alice!, { invitees: [bob!.jid, carol!.jid], message: "hi", mucDomain: gw.sandbox.domain });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "muc_server_not_found", step: "create_room" });
    expect(body.data.chat.startChat).toBeNull();
    expect(await rooms(alice!)).toEqual([]);
  });

  it("an invitee on a domain the server cannot reach fails at invite before anything exists; nobody is invited", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "start-unreach");
    const bobClient = await gw.connect(bob!);
    const body = await startChat(alice!, { invitees: [bob!.jid, "carol@nowhere.invalid"], message: "hi", subject: "Lost" });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "remote_server_not_found", step: "invite", invitee: "carol@nowhere.invalid" });
    expect(await rooms(alice!)).toEqual([]);
    // Nothing reached bob: a message alice's session sends now arrives, and nothing came before it.
    await gw.gql('mutation($to: JID!) { stanza { sendMessage(to: $to, body: "after") { id } } }', { to: bob!.jid }, alice);
    await bobClient.waitFor((s) => s.name === "message" && s.getChildText("body") === "after");
    expect(bobClient.received.filter((s) => s.name === "message" && s.getChild("x", NS_MUC_USER))).toEqual([]);
  });

  it("a first message that cannot be sent fails at send_message after the room exists: the room is destroyed, nobody invited", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3, "start-undo");
    const bobClient = await gw.connect(bob!);
    // A control character: the gateway refuses to send it (XML cannot carry it) only when the
    // message goes out, after the room was created and the memberships granted.
    const body = await startChat(alice!, { invitees: [bob!.jid, carol!.jid], message: "bell \u0007", subject: "Undone" });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "invalid_input", step: "send_message" });
    const room = body.errors![0]!.extensions!.room as string;
    expect(room.endsWith(`@${gw.sandbox.mucDomain}`)).toBe(true);
    expect(body.errors![0]!.extensions!.undone).toBeUndefined();
    expect(await rooms(alice!)).toEqual([]);
    // The room is gone for everyone, and no invitation was sent.
    const info = await bobClient.iq(xml("iq", { type: "get", to: room }, xml("query", { xmlns: "http://jabber.org/protocol/disco#info" }))).catch((e: unknown) => e);
    expect(["item-not-found", "gone"]).toContain((info as { condition?: string }).condition);
    expect(bobClient.received.filter(isInvitation(room))).toEqual([]);
  });

  it("one invitee on a domain the server cannot reach fails at send_message", async () => {
    const alice = await gw.sandbox.createUser();
    const body = await startChat(alice, { invitees: ["bob@nowhere.invalid"], message: "hi" });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: "remote_server_not_found", step: "send_message" });
  });

  it("validation: empty list, the caller, duplicates, too many, an empty message", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "start-invalid");
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ invitees: [], message: "hi" }, "invitees"],
      [{ invitees: [bob!.jid, alice!.jid.toUpperCase()], message: "hi" }, "invitees"],
      [{ invitees: [bob!.jid, bob!.jid.toUpperCase()], message: "hi" }, "invitees"],
      [{ invitees: Array.from({ length: 51 }, (_, i) => `u${i}@${gw.sandbox.domain}`), message: "hi" }, "invitees"],
      [{ invitees: [bob!.jid], message: "  " }, "message"],
    ];
    for (const [variables, field] of cases) {
      const body = await startChat(alice!, variables);
      expect(body.errors?.[0]?.extensions, JSON.stringify(variables)).toEqual({ code: "invalid_input", field });
    }
    expect(await rooms(alice!)).toEqual([]);
  });
});
