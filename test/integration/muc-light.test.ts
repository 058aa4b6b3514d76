import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { SERVER } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const NS_MUC = "http://jabber.org/protocol/muc";
const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";

const gw = useGateway();

const s = JSON.stringify;
const newId = () => `ml-${randomBytes(5).toString("hex")}`;
const ROOM_FIELDS = "jid name subject participants { jid affiliation } options { key value }";

interface Outcome {
  data: any;
  error: { message: string; extensions?: Record<string, unknown> } | undefined;
}

/** Runs one `muc_light` field as `user` and returns its value and first error. */
async function ml(user: SandboxUser, kind: "query" | "mutation", call: string): Promise<Outcome> {
  const r = await gw.gql(`${kind} { muc_light { ${call} } }`, undefined, user);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const paren = call.indexOf("(");
  const brace = call.indexOf("{");
  const end = [paren, brace].filter((i) => i !== -1);
  const field = (end.length ? call.slice(0, Math.min(...end)) : call).trim();
  return { data: r.body.data?.muc_light?.[field], error: r.body.errors?.[0] };
}

async function create(owner: SandboxUser, args = `name: "Birds", subject: "Owls"`): Promise<string> {
  const r = await ml(owner, "mutation", `createRoom(mucDomain: ${s(gw.sandbox.mucDomain)}, ${args}) { jid }`);
  expect(r.error).toBeUndefined();
  return r.data.jid as string;
}

async function invite(inviter: SandboxUser, room: string, recipient: SandboxUser): Promise<void> {
  const r = await ml(inviter, "mutation", `inviteUser(room: ${s(room)}, recipient: ${s(recipient.jid)})`);
  expect(r.error).toBeUndefined();
  expect(r.data).toBe("User invited successfully");
}

const raw = (user: SandboxUser, resource = "raw") => gw.connect(user, { resource });

function upcoming(c: RawClient): (predicate: (s: Element) => boolean, timeoutMs?: number) => Promise<Element> {
  const start = c.received.length;
  return (predicate, timeoutMs) => c.waitFor((st) => c.received.indexOf(st) >= start && predicate(st), timeoutMs);
}

const statuses = (st: Element) => (st.getChild("x", NS_MUC_USER)?.getChildren("status") ?? []).map((x) => Number(x.attrs.code));

async function rawJoin(c: RawClient, room: string, nick: string): Promise<Element> {
  const next = upcoming(c);
  await c.send(xml("presence", { to: `${room}/${nick}` }, xml("x", { xmlns: NS_MUC }, xml("history", { maxstanzas: "0" }))));
  return next((st) => st.name === "presence" && st.attrs.from === `${room}/${nick}` && (st.attrs.type === "error" || statuses(st).includes(110)));
}

const listRooms = async (user: SandboxUser): Promise<string[]> => {
  const r = await ml(user, "query", "listRooms");
  expect(r.error).toBeUndefined();
  return r.data as string[];
};

describe("createRoom", () => {
  it("creates a members-only persistent room owned by the caller, with the given options", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const r = await ml(alice!, "mutation", `createRoom(mucDomain: ${s(gw.sandbox.mucDomain)}, name: "Birds", subject: "Owls",
      options: [{ key: "background", value: "red" }]) { ${ROOM_FIELDS} }`);
    expect(r.error).toBeUndefined();
    expect(r.data).toMatchObject({
      name: "Birds", subject: "Owls", participants: [{ jid: alice!.jid, affiliation: "OWNER" }],
      options: [{ key: "background", value: "red" }, { key: "roomname", value: "Birds" }, { key: "subject", value: "Owls" }],
    });
    const room = r.data.jid as string;
    expect(room.endsWith(`@${gw.sandbox.mucDomain}`)).toBe(true);

    // Seen from an outsider's own client: a members-only, persistent, hidden room it cannot enter.
    const bobClient = await raw(bob!);
    const info = await bobClient.iq(xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_DISCO_INFO })));
    const features = (info.getChild("query", NS_DISCO_INFO)?.getChildren("feature") ?? []).map((f) => f.attrs.var);
    expect(features).toEqual(expect.arrayContaining(["muc_membersonly", "muc_persistent", "muc_hidden", "muc_nonanonymous"]));
    const refused = await rawJoin(bobClient, room, "bob");
    expect(refused.attrs.type).toBe("error");
    expect(refused.getChild("error")?.getChild("registration-required")).toBeDefined();
  });

  it("takes the given id, refuses a taken one, and generates one when omitted", async () => {
    const alice = await gw.sandbox.createUser();
    const id = newId();
    const first = await ml(alice!, "mutation", `createRoom(mucDomain: ${s(gw.sandbox.mucDomain)}, id: ${s(id)}) { ${ROOM_FIELDS} }`);
    expect(first.data).toEqual({ jid: `${id}@${gw.sandbox.mucDomain}`, name: null, subject: null, participants: [{ jid: alice!.jid, affiliation: "OWNER" }], options: [] });
    const again = await ml(alice!, "mutation", `createRoom(mucDomain: ${s(gw.sandbox.mucDomain)}, id: ${s(id)}, name: "x") { jid }`);
    expect(again.data).toBeNull();
    expect(again.error).toMatchObject({ message: "Room already exists", extensions: { code: "already_exists", mucDomain: gw.sandbox.mucDomain, id } });
    // An unnamed room reads with MUC Light's default schema values.
    const config = await ml(alice!, "query", `getRoomConfig(room: ${s(first.data.jid)}) { name subject options { key value } }`);
    expect(config.data).toEqual({ name: "Untitled", subject: "", options: [{ key: "roomname", value: "Untitled" }, { key: "subject", value: "" }] });
    const generated = await create(alice!, `name: "gen"`);
    expect(generated).toMatch(new RegExp(`^[a-z0-9-]+@${gw.sandbox.mucDomain.replace(/\./g, "\\.")}$`));
  });

  it("answers muc_server_not_found for a domain that is not a MUC service", async () => {
    const alice = await gw.sandbox.createUser();
    for (const domain of [gw.sandbox.domain, "nosuch.example"]) {
      const r = await ml(alice!, "mutation", `createRoom(mucDomain: ${s(domain)}, name: "x") { jid }`);
      expect(r.error, domain).toMatchObject({ message: "MUC Light server not found", extensions: { code: "muc_server_not_found", mucDomain: domain } });
    }
  });
});

describe("reading a room", () => {
  it("getRoomConfig and listRoomUsers: members read everything; outsiders, missing rooms and services are refused in order", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await create(alice!, `name: "Birds", subject: "Owls", options: [{ key: "music", value: "jazz" }]`);
    const expected = {
      jid: room, name: "Birds", subject: "Owls",
      options: [{ key: "music", value: "jazz" }, { key: "roomname", value: "Birds" }, { key: "subject", value: "Owls" }],
    };
    const owner = await ml(alice!, "query", `getRoomConfig(room: ${s(room)}) { ${ROOM_FIELDS} }`);
    expect(owner.data).toEqual({ ...expected, participants: [{ jid: alice!.jid, affiliation: "OWNER" }] });

    const outsider = await ml(carol!, "query", `getRoomConfig(room: ${s(room)}) { jid }`);
    expect(outsider.error).toMatchObject({ message: "Given user does not occupy this room", extensions: { code: "not_room_member", room } });
    const outsiderUsers = await ml(carol!, "query", `listRoomUsers(room: ${s(room)}) { jid }`);
    expect(outsiderUsers.error?.extensions?.code).toBe("not_room_member");

    await invite(alice!, room, bob!);
    const both = [{ jid: alice!.jid, affiliation: "OWNER" }, { jid: bob!.jid, affiliation: "MEMBER" }];
    const member = await ml(bob!, "query", `getRoomConfig(room: ${s(room)}) { ${ROOM_FIELDS} }`);
    expect(member.data).toEqual({ ...expected, participants: both });
    expect((await ml(bob!, "query", `listRoomUsers(room: ${s(room)}) { jid affiliation }`)).data).toEqual(both);

    const missing = `${newId()}@${gw.sandbox.mucDomain}`;
    for (const call of [`getRoomConfig(room: ${s(missing)}) { jid }`, `listRoomUsers(room: ${s(missing)}) { jid }`]) {
      expect((await ml(alice!, "query", call)).error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found", room: missing } });
    }
    const elsewhere = `${room.split("@")[0]}@nosuch.example`;
    expect((await ml(alice!, "query", `getRoomConfig(room: ${s(elsewhere)}) { jid }`)).error).toMatchObject({
      message: "MUC Light server not found", extensions: { code: "muc_server_not_found", room: elsewhere },
    });
  });
});

describe("changeRoomConfiguration", () => {
  it("owner changes name, subject and options; occupants see the subject; members and outsiders are refused", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await create(alice!, `name: "Birds", subject: "Owls", options: [{ key: "music", value: "jazz" }]`);
    await invite(alice!, room, bob!);
    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob-raw");
    const next = upcoming(bobClient);

    const r = await ml(alice!, "mutation", `changeRoomConfiguration(room: ${s(room)}, name: "Ornithology", subject: "Hawks",
      options: [{ key: "background", value: "blue" }]) { ${ROOM_FIELDS} }`);
    expect(r.error).toBeUndefined();
    expect(r.data).toMatchObject({
      jid: room, name: "Ornithology", subject: "Hawks",
      options: [{ key: "background", value: "blue" }, { key: "roomname", value: "Ornithology" }, { key: "subject", value: "Hawks" }],
    });
    const subject = await next((st) => st.name === "message" && st.getChildText("subject") === "Hawks");
    expect(subject.attrs.from?.startsWith(room)).toBe(true);

    const config = await ml(bob!, "query", `getRoomConfig(room: ${s(room)}) { name subject options { key value } }`);
    expect(config.data).toEqual({
      name: "Ornithology", subject: "Hawks",
      options: [{ key: "background", value: "blue" }, { key: "music", value: "jazz" }, { key: "roomname", value: "Ornithology" }, { key: "subject", value: "Hawks" }],
    });

    const member = await ml(bob!, "mutation", `changeRoomConfiguration(room: ${s(room)}, name: "mine") { jid }`);
    expect(member.error).toMatchObject({ message: "Given user does not have permission to change config", extensions: { code: "not_allowed", room } });
    const outsider = await ml(carol!, "mutation", `changeRoomConfiguration(room: ${s(room)}, name: "mine") { jid }`);
    expect(outsider.error).toMatchObject({ message: "Given user does not occupy this room", extensions: { code: "not_room_member" } });
    const missing = await ml(alice!, "mutation", `changeRoomConfiguration(room: ${s(`${newId()}@${gw.sandbox.mucDomain}`)}, name: "x") { jid }`);
    expect(missing.error?.extensions?.code).toBe("room_not_found");
  });
});

describe("inviteUser and listRooms", () => {
  it("the invitee's own client receives the invitation from the room", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await create(alice!);
    const bobClient = await raw(bob!);
    const next = upcoming(bobClient);
    await invite(alice!, room, bob!);
    const invitation = await next((st) => st.name === "message" && st.attrs.from === room);
    expect(invitation.getChild("x", NS_MUC_USER)?.getChild("invite")?.attrs.from?.split("/")[0]).toBe(alice!.jid);
    expect(invitation.getChildText("body")).toContain(room);
    // Now a member: Bob's own client may enter the members-only room.
    expect((await rawJoin(bobClient, room, "bob")).attrs.type).toBeUndefined();

    // A member may invite too; an outsider may not; a missing room is reported.
    await invite(bob!, room, carol!);
    const users = await ml(alice!, "query", `listRoomUsers(room: ${s(room)}) { jid affiliation }`);
    expect(users.data).toEqual([
      { jid: alice!.jid, affiliation: "OWNER" },
      ...[bob!, carol!].map((u) => ({ jid: u.jid, affiliation: "MEMBER" })).sort((a, b) => (a.jid < b.jid ? -1 : 1)),
    ]);
    const [dave] = await gw.sandbox.createUsers(1);
    const outsider = await ml(dave!, "mutation", `inviteUser(room: ${s(room)}, recipient: ${s(alice!.jid)})`);
    expect(outsider.error).toMatchObject({ message: "Given user does not occupy this room", extensions: { code: "not_room_member", room, recipient: alice!.jid } });
    const missing = await ml(alice!, "mutation", `inviteUser(room: ${s(`${newId()}@${gw.sandbox.mucDomain}`)}, recipient: ${s(bob!.jid)})`);
    expect(missing.error?.extensions?.code).toBe("room_not_found");
  });

  it("listRooms knows rooms the caller was invited to while it had no session at all, and forgets them after a kick", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room1 = await create(alice!, `name: "one"`);
    const room2 = await create(alice!, `name: "two"`);
    await invite(alice!, room1, bob!);
    await invite(alice!, room2, bob!);
    // Bob's first-ever request to the gateway.
    expect(await listRooms(bob!)).toEqual([room1, room2].sort());
    expect(await listRooms(alice!)).toEqual([room1, room2].sort());
    expect(await listRooms(carol!)).toEqual([]);

    const kicked = await ml(alice!, "mutation", `kickUser(room: ${s(room1)}, user: ${s(bob!.jid)})`);
    expect(kicked.data).toBe("Affiliation change request sent successfully");
    expect(await listRooms(bob!)).toEqual([room2]);
    // Invited again later: found by the next scan, which starts after the last one.
    await invite(alice!, room1, bob!);
    expect(await listRooms(bob!)).toEqual([room1, room2].sort());
    const deleted = await ml(alice!, "mutation", `deleteRoom(room: ${s(room2)})`);
    expect(deleted.data).toBe("Room deleted successfully");
    expect(await listRooms(bob!)).toEqual([room1]);
    expect(await listRooms(alice!)).toEqual([room1]);
  });
});

describe("kickUser", () => {
  it("owner removes a member, whose client is put out of the room; members may only leave themselves", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await create(alice!);
    await invite(alice!, room, bob!);
    await invite(alice!, room, carol!);

    const notOwner = await ml(bob!, "mutation", `kickUser(room: ${s(room)}, user: ${s(alice!.jid)})`);
    expect(notOwner.error).toMatchObject({
      message: "Given user does not have permission to change affiliations", extensions: { code: "not_allowed", user: alice!.jid },
    });

    // Carol leaves by herself (user omitted). ejabberd offers a member no way to: rooms
    // there have no registration to cancel (XEP-0045 §7.10), and only owners and admins
    // change affiliations. The owner removes her instead.
    const left = await ml(carol!, "mutation", `kickUser(room: ${s(room)})`);
    if (SERVER === "ejabberd") {
      expect(left.error).toMatchObject({
        message: "This server does not let a member leave a room by itself; an owner of the room must remove the member",
        extensions: { code: "not_allowed", user: carol!.jid },
      });
      expect((await ml(alice!, "mutation", `kickUser(room: ${s(room)}, user: ${s(carol!.jid)})`)).error).toBeUndefined();
    } else {
      expect(left.data).toBe("Affiliation change request sent successfully");
    }
    const afterLeave = await ml(alice!, "query", `listRoomUsers(room: ${s(room)}) { jid affiliation }`);
    expect(afterLeave.data).toEqual([{ jid: alice!.jid, affiliation: "OWNER" }, { jid: bob!.jid, affiliation: "MEMBER" }]);
    const gone = await ml(carol!, "mutation", `kickUser(room: ${s(room)})`);
    expect(gone.error).toMatchObject({ message: "Given user does not occupy this room", extensions: { code: "not_room_member", user: carol!.jid } });

    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob");
    const next = upcoming(bobClient);
    const kicked = await ml(alice!, "mutation", `kickUser(room: ${s(room)}, user: ${s(bob!.jid)})`);
    expect(kicked.data).toBe("Affiliation change request sent successfully");
    const out = await next((st) => st.name === "presence" && st.attrs.from === `${room}/bob` && st.attrs.type === "unavailable");
    expect(statuses(out)).toEqual(expect.arrayContaining([110, 321]));
    expect((await ml(alice!, "query", `listRoomUsers(room: ${s(room)}) { jid }`)).data).toEqual([{ jid: alice!.jid }]);
  });

  it("an owner leaving hands the room to a member; the last one leaving destroys it", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await create(alice!);
    await invite(alice!, room, bob!);
    expect((await ml(alice!, "mutation", `kickUser(room: ${s(room)})`)).error).toBeUndefined();
    expect((await ml(bob!, "query", `listRoomUsers(room: ${s(room)}) { jid affiliation }`)).data).toEqual([{ jid: bob!.jid, affiliation: "OWNER" }]);
    expect(await listRooms(alice!)).toEqual([]);
    expect((await ml(bob!, "mutation", `kickUser(room: ${s(room)})`)).error).toBeUndefined();
    expect((await ml(bob!, "query", `getRoomConfig(room: ${s(room)}) { jid }`)).error?.extensions?.code).toBe("room_not_found");
  });
});

describe("deleteRoom", () => {
  it("only the owner deletes; occupants see the room destroyed", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await create(alice!);
    await invite(alice!, room, bob!);
    const member = await ml(bob!, "mutation", `deleteRoom(room: ${s(room)})`);
    expect(member.error).toMatchObject({ message: "Given user cannot delete this room", extensions: { code: "not_allowed", room } });
    const outsider = await ml(carol!, "mutation", `deleteRoom(room: ${s(room)})`);
    expect(outsider.error?.extensions?.code).toBe("not_room_member");

    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob");
    const next = upcoming(bobClient);
    expect((await ml(alice!, "mutation", `deleteRoom(room: ${s(room)})`)).data).toBe("Room deleted successfully");
    const destroyed = await next((st) => st.name === "presence" && st.attrs.from === `${room}/bob` && st.attrs.type === "unavailable");
    expect(destroyed.getChild("x", NS_MUC_USER)?.getChild("destroy")).toBeDefined();
    const again = await ml(alice!, "mutation", `deleteRoom(room: ${s(room)})`);
    expect(again.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found", room } });
  });
});

describe("messages", () => {
  it("a member posts (its session enters first), occupants receive it, and members read the room archive", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await create(alice!);
    await invite(alice!, room, bob!);
    const aliceClient = await raw(alice!);
    await rawJoin(aliceClient, room, "alice-raw");
    const next = upcoming(aliceClient);

    const sent = await ml(bob!, "mutation", `sendMessageToRoom(room: ${s(room)}, body: "Hello birds")`);
    expect(sent.error).toBeUndefined();
    expect(sent.data).toBe("Message sent successfully");
    const message = await next((st) => st.name === "message" && st.attrs.type === "groupchat" && st.getChildText("body") === "Hello birds");
    expect(message.attrs.from).toBe(`${room}/${bob!.jid}`);

    const page = await ml(alice!, "query", `getRoomMessages(room: ${s(room)}, pageSize: 51) { limit stanzas { stanza } }`);
    expect(page.error).toBeUndefined();
    expect(page.data.limit).toBe(50);
    expect(page.data.stanzas.map((x: { stanza: string }) => x.stanza).join()).toContain("Hello birds");
    const old = await ml(bob!, "query", `getRoomMessages(room: ${s(room)}, before: "2022-02-17T04:54:13Z") { limit stanzas { stanza } }`);
    expect(old.data).toEqual({ limit: 50, stanzas: [] });

    for (const call of [`sendMessageToRoom(room: ${s(room)}, body: "x")`]) {
      expect((await ml(carol!, "mutation", call)).error).toMatchObject({ message: "Given user does not occupy this room", extensions: { code: "not_room_member", room } });
    }
    expect((await ml(carol!, "query", `getRoomMessages(room: ${s(room)}) { limit }`)).error?.extensions?.code).toBe("not_room_member");
    const elsewhere = `${room.split("@")[0]}@nosuch.example`;
    expect((await ml(alice!, "query", `getRoomMessages(room: ${s(elsewhere)}) { limit }`)).error?.extensions?.code).toBe("muc_server_not_found");
    const missing = `${newId()}@${gw.sandbox.mucDomain}`;
    expect((await ml(alice!, "mutation", `sendMessageToRoom(room: ${s(missing)}, body: "x")`)).error?.extensions?.code).toBe("room_not_found");
  });
});
