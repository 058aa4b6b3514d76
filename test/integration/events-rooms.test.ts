import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { basicAuth } from "../support/gateway.js";
import { useGateway, useSubscribers } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import { isRoomEvent, streamEvent, subscribeWs, untilLive, type Subscriber } from "../support/subscribers.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

/*
 * RoomEvent (and group chat MessageEvent) of `events.stream`, for rooms the user is in
 * through the API, each change made by an independent XMPP client or another user.
 */

const STREAM = `subscription {
  events { stream {
    __typename cursor replayed
    ... on MessageEvent { message { body conversation from outgoing } }
    ... on RoomEvent { room roomEvent: kind actor nick subject }
  } }
}`;

const NS_MUC = "http://jabber.org/protocol/muc";
const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
const s = JSON.stringify;

const gw = useGateway();
const subs = useSubscribers();

const event = streamEvent;
const bodyOf = (e: any) => event(e)?.message?.body as string | undefined;
const roomEvent = isRoomEvent;
const newRoom = () => `ev-room-${randomBytes(5).toString("hex")}@${gw.sandbox.mucDomain}`;

/** Runs one field of `muc` or `muc_light` as `user`; fails the test on an error. */
async function call(user: SandboxUser, kind: "query" | "mutation", domain: "muc" | "muc_light", field: string): Promise<any> {
  const r = await gw.gql(`${kind} { ${domain} { ${field} } }`, undefined, user);
  expect(r.status, s(r.body)).toBe(200);
  expect(r.body.errors, s(r.body)).toBeUndefined();
  return r.body.data[domain];
}

/** The user's stream, live: a chat message from `peer` sent after it subscribed has reached it. */
async function liveStream(user: SandboxUser, peer: RawClient): Promise<Subscriber> {
  const sub = await subscribeWs(gw.url, { Authorization: basicAuth(user) }, STREAM);
  subs.push(sub);
  await untilLive(sub, (body) => peer.send(xml("message", { to: user.jid, type: "chat" }, xml("body", {}, body))), bodyOf);
  return sub;
}

/** A raw client enters a room and waits for its own presence (status 110). */
async function rawJoin(c: RawClient, room: string, nick: string): Promise<void> {
  const start = c.received.length;
  await c.send(xml("presence", { to: `${room}/${nick}` }, xml("x", { xmlns: NS_MUC }, xml("history", { maxstanzas: "0" }))));
  const self = await c.waitFor((st) => c.received.indexOf(st) >= start && st.name === "presence" && st.attrs.from === `${room}/${nick}` &&
    (st.attrs.type === "error" || (st.getChild("x", NS_MUC_USER)?.getChildren("status") ?? []).some((x) => x.attrs.code === "110")));
  expect(self.attrs.type, self.toString()).toBeUndefined();
}

describe("events.stream: rooms the user is in", () => {
  it("occupants joining and leaving, affiliation, subject and configuration changes, group chat messages, the room destroyed", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "ev-room");
    const bobClient = await gw.connect(bob!);
    const sub = await liveStream(alice!, bobClient);
    const room = newRoom();
    await call(alice!, "mutation", "muc", `createInstantRoom(room: ${s(room)}, nick: "alice") { jid }`);

    await rawJoin(bobClient, room, "bob");
    expect(event(await sub.waitFor(roomEvent(room, "JOINED")))).toMatchObject({ nick: "bob", cursor: null, replayed: false });

    // An admin is a moderator, who may change the subject on every server's default configuration.
    await call(alice!, "mutation", "muc", `setUserAffiliation(room: ${s(room)}, user: ${s(bob!.jid)}, affiliation: ADMIN)`);
    const affiliation = event(await sub.waitFor(roomEvent(room, "AFFILIATION")));
    expect(affiliation.nick).toBe("bob");
    expect(affiliation.actor?.split("/")[0]).toBe(bob!.jid);

    await bobClient.send(xml("message", { to: room, type: "groupchat" }, xml("subject", {}, "Owls at night")));
    const subject = event(await sub.waitFor(roomEvent(room, "SUBJECT")));
    expect(subject).toMatchObject({ subject: "Owls at night", actor: `${room}/bob` });

    await bobClient.send(xml("message", { to: room, type: "groupchat" }, xml("body", {}, "hello room")));
    const message = event(await sub.waitFor((e) => bodyOf(e) === "hello room"));
    expect(message).toMatchObject({ __typename: "MessageEvent", message: { conversation: room, from: `${room}/bob`, outgoing: false } });
    // The room's echo of the user's own message is outgoing, as conversations.messages says.
    await call(alice!, "mutation", "muc", `sendMessageToRoom(room: ${s(room)}, body: "hello from alice")`);
    const own = event(await sub.waitFor((e) => bodyOf(e) === "hello from alice"));
    expect(own).toMatchObject({ __typename: "MessageEvent", message: { conversation: room, from: `${room}/alice`, outgoing: true } });

    await call(alice!, "mutation", "muc", `changeRoomConfiguration(room: ${s(room)}, config: { title: "Owls" }) { title }`);
    await sub.waitFor(roomEvent(room, "CONFIG"));

    await bobClient.send(xml("presence", { to: `${room}/bob`, type: "unavailable" }));
    expect(event(await sub.waitFor(roomEvent(room, "LEFT")))).toMatchObject({ nick: "bob" });

    await call(alice!, "mutation", "muc", `deleteRoom(room: ${s(room)}, reason: "done")`);
    await sub.waitFor(roomEvent(room, "DESTROYED"));
    // Each change is told once.
    const kinds = sub.events.map(event).filter((e: any) => e?.room === room).map((e: any) => e.roomEvent);
    expect(kinds).toEqual(["JOINED", "AFFILIATION", "SUBJECT", "CONFIG", "LEFT", "DESTROYED"]);
  });

  it("the room destroyed by another owner while the user is in it", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "ev-destroy");
    const bobClient = await gw.connect(bob!);
    const sub = await liveStream(alice!, bobClient);
    const room = newRoom();
    await call(bob!, "mutation", "muc", `createInstantRoom(room: ${s(room)}, nick: "bob") { jid }`);
    await rawJoin(bobClient, room, "bob-phone");
    await call(alice!, "mutation", "muc", `enterRoom(room: ${s(room)}, nick: "alice", resource: "gw")`);
    // Entering, the user's session is told who is there: it is in the room once it saw them.
    await sub.waitFor((e) => roomEvent(room, "JOINED")(e) && event(e).nick === "bob-phone");
    await call(bob!, "mutation", "muc", `deleteRoom(room: ${s(room)}, reason: "closing")`);
    expect(event(await sub.waitFor(roomEvent(room, "DESTROYED")))).toMatchObject({ room, cursor: null });
  });

  it("an invitation to another room, with the inviter as actor", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "ev-invite");
    const bobClient = await gw.connect(bob!);
    const sub = await liveStream(alice!, bobClient);
    const room = newRoom();
    await call(bob!, "mutation", "muc", `createInstantRoom(room: ${s(room)}, nick: "bob") { jid }`);
    await call(bob!, "mutation", "muc", `inviteUser(room: ${s(room)}, recipient: ${s(alice!.jid)}, reason: "join us")`);
    const invitation = event(await sub.waitFor(roomEvent(room, "INVITATION")));
    // ejabberd names the inviter's real JID; Prosody, in a room that hides real JIDs, its occupant.
    const actor = String(invitation.actor);
    expect(actor === `${room}/bob` || actor.split("/")[0] === bob!.jid, actor).toBe(true);
    expect(invitation.replayed).toBe(false);
  });

  it("MUC Light: an invitation to a room created by another user, then the room's messages", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "ev-light");
    const bobClient = await gw.connect(bob!);
    const sub = await liveStream(alice!, bobClient);
    const created = await call(bob!, "mutation", "muc_light", `createRoom(mucDomain: ${s(gw.sandbox.mucDomain)}, name: "Birds") { jid }`);
    const room = created.createRoom.jid as string;
    await call(bob!, "mutation", "muc_light", `inviteUser(room: ${s(room)}, recipient: ${s(alice!.jid)})`);
    const invitation = event(await sub.waitFor(roomEvent(room, "INVITATION")));
    expect(invitation.actor?.split("/")[0]).toBe(bob!.jid);

    // A member receives the room's messages: the stream's session enters the room (an
    // XEP-0045 room here) on the invitation, and so is told who is there.
    await sub.waitFor((e) => roomEvent(room, "JOINED")(e) && event(e).nick === bob!.jid);
    await call(bob!, "mutation", "muc_light", `sendMessageToRoom(room: ${s(room)}, body: "hello birds")`);
    const message = event(await sub.waitFor((e) => bodyOf(e) === "hello birds", 10_000));
    expect(message.message).toMatchObject({ conversation: room, from: `${room}/${bob!.jid}`, outgoing: false });
  });
});

