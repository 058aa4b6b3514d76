import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { SERVER } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import { subscribeWs, untilLive } from "../support/subscribers.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const NS_MUC = "http://jabber.org/protocol/muc";
const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";

const gw = useGateway();

const s = JSON.stringify;
const newRoom = () => `room-${randomBytes(5).toString("hex")}@${gw.sandbox.mucDomain}`;

interface Outcome {
  data: any;
  error: { message: string; extensions?: Record<string, unknown> } | undefined;
}

/** Runs one `muc` field as `user` and returns its value and first error. */
async function muc(user: SandboxUser, kind: "query" | "mutation", call: string): Promise<Outcome> {
  const r = await gw.gql(`${kind} { muc { ${call} } }`, undefined, user);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const field = call.slice(0, call.indexOf("("));
  return { data: r.body.data?.muc?.[field], error: r.body.errors?.[0] };
}

async function createRoom(owner: SandboxUser, room = newRoom(), nick = "owner"): Promise<string> {
  const r = await muc(owner, "mutation", `createInstantRoom(room: ${s(room)}, nick: ${s(nick)}) { jid }`);
  expect(r.error).toBeUndefined();
  return room;
}

async function configure(owner: SandboxUser, room: string, config: string): Promise<Outcome> {
  return muc(owner, "mutation", `changeRoomConfiguration(room: ${s(room)}, config: { ${config} }) { title persistent membersOnly anonymous passwordProtected password }`);
}

const raw = (user: SandboxUser, resource = "raw") => gw.connect(user, { resource });

/** Waits for a stanza received after this call (the raw client keeps its whole history). */
function upcoming(c: RawClient): (predicate: (s: Element) => boolean, timeoutMs?: number) => Promise<Element> {
  const start = c.received.length;
  return (predicate, timeoutMs) => c.waitFor((st) => c.received.indexOf(st) >= start && predicate(st), timeoutMs);
}

const mucX = (st: Element) => st.getChild("x", NS_MUC_USER);
const statuses = (st: Element) => (mucX(st)?.getChildren("status") ?? []).map((x) => Number(x.attrs.code));
const isPresenceFrom = (from: string, type?: string) => (st: Element) =>
  st.name === "presence" && st.attrs.from === from && st.attrs.type === type;

/** A raw client enters a room and waits for its own presence (or the error). */
async function rawJoin(c: RawClient, room: string, nick: string, password?: string): Promise<Element> {
  const next = upcoming(c);
  await c.send(xml("presence", { to: `${room}/${nick}` }, xml("x", { xmlns: NS_MUC }, password ? xml("password", {}, password) : null)));
  return next((st) => st.name === "presence" && st.attrs.from === `${room}/${nick}` && (st.attrs.type === "error" || statuses(st).includes(110)));
}

async function rawDiscoFeatures(c: RawClient, room: string): Promise<Set<string>> {
  const reply = await c.iq(xml("iq", { type: "get", to: room }, xml("query", { xmlns: NS_DISCO_INFO })));
  return new Set((reply.getChild("query", NS_DISCO_INFO)?.getChildren("feature") ?? []).map((f) => f.attrs.var!));
}

describe("creating, listing and deleting rooms", () => {
  it("createInstantRoom creates an unlocked public room owned by the caller, whose session stays in it", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = newRoom();
    const r = await muc(alice!, "mutation", `createInstantRoom(room: ${s(room)}, nick: "ali") { jid title private usersNumber }`);
    expect(r.error).toBeUndefined();
    expect(r.data).toEqual({ jid: room, title: room.split("@")[0], private: false, usersNumber: 1 });

    // Unlocked: another user gets in, and sees the gateway's occupant as owner.
    const bobClient = await raw(bob!);
    const next = upcoming(bobClient);
    const self = await rawJoin(bobClient, room, "bob");
    expect(self.attrs.type).toBeUndefined();
    const owner = await next(isPresenceFrom(`${room}/ali`));
    expect(mucX(owner)?.getChild("item")?.attrs).toMatchObject({ affiliation: "owner", role: "moderator" });
  });

  it("createInstantRoom refuses an unknown or non-MUC domain, and someone else's existing room", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    for (const room of [`r@nosuch.example`, `r@${gw.sandbox.domain}`]) {
      const r = await muc(alice!, "mutation", `createInstantRoom(room: ${s(room)}, nick: "a") { jid }`);
      expect(r.data, room).toBeNull();
      expect(r.error, room).toMatchObject({ message: "Could not create room due to incorrect domain", extensions: { code: "could_not_create_room", room } });
    }
    const room = await createRoom(alice!);
    const taken = await muc(bob!, "mutation", `createInstantRoom(room: ${s(room)}, nick: "b") { jid }`);
    expect(taken.error).toMatchObject({ message: "Error while creating a room", extensions: { code: "could_not_create_room" } });
    // Bob's session did not stay in Alice's room.
    const users = await muc(alice!, "query", `listRoomUsers(room: ${s(room)}) { nick role }`);
    expect(users.data).toEqual([{ nick: "owner", role: "MODERATOR" }]);
    // Again as the owner: the existing room is returned.
    const again = await muc(alice!, "mutation", `createInstantRoom(room: ${s(room)}, nick: "owner") { jid title }`);
    expect(again.data).toEqual({ jid: room, title: room.split("@")[0] });
  });

  it("createInstantRoom refuses malformed arguments at argument checking", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(`mutation { muc { createInstantRoom(room: "test room@${gw.sandbox.mucDomain}", nick: "a") { jid } } }`, undefined, alice);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("input_coercion");
  });

  it("listRooms pages through the service's rooms with their title, visibility and occupants", async () => {
    const alice = await gw.sandbox.createUser();
    const rooms = [await createRoom(alice!), await createRoom(alice!), await createRoom(alice!)];
    await configure(alice!, rooms[1]!, `title: "Second room"`);
    const all = await muc(alice!, "query", `listRooms(mucDomain: ${s(gw.sandbox.mucDomain)}) { rooms { jid title private usersNumber } count index first last }`);
    expect(all.error).toBeUndefined();
    const mine = all.data.rooms.filter((x: { jid: string }) => rooms.includes(x.jid));
    expect(mine).toHaveLength(3);
    expect(mine.find((x: { jid: string }) => x.jid === rooms[1])).toEqual({ jid: rooms[1], title: "Second room", private: false, usersNumber: 1 });
    expect(all.data.count).toBe(all.data.rooms.length);
    expect(all.data.index).toBe(0);
    const sorted = all.data.rooms.map((x: { jid: string }) => x.jid);
    expect(sorted).toEqual([...sorted].sort());

    const page = await muc(alice!, "query", `listRooms(mucDomain: ${s(gw.sandbox.mucDomain)}, limit: 2, index: 1) { rooms { jid } count index first last }`);
    expect(page.data.rooms.map((x: { jid: string }) => x.jid)).toEqual(sorted.slice(1, 3));
    expect(page.data).toMatchObject({ count: sorted.length, index: 1, first: sorted[1].split("@")[0], last: sorted[2].split("@")[0] });

    const beyond = await muc(alice!, "query", `listRooms(mucDomain: ${s(gw.sandbox.mucDomain)}, index: 100000) { rooms { jid } count index first last }`);
    expect(beyond.data).toEqual({ rooms: [], count: sorted.length, index: null, first: null, last: null });
  });

  it("listRooms answers muc_server_not_found for a domain that is not a MUC service", async () => {
    const alice = await gw.sandbox.createUser();
    for (const domain of [gw.sandbox.domain, "nosuch.example"]) {
      const r = await muc(alice!, "query", `listRooms(mucDomain: ${s(domain)}) { count }`);
      expect(r.error).toMatchObject({ message: "MUC server not found", extensions: { code: "muc_server_not_found", mucDomain: domain } });
    }
  });

  it("deleteRoom destroys the room with a reason that occupants see; only owners may", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await createRoom(alice!);
    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob");
    const next = upcoming(bobClient);

    const refused = await muc(bob!, "mutation", `deleteRoom(room: ${s(room)})`);
    expect(refused.error).toMatchObject({ message: "Given user does not have permission to delete this room", extensions: { code: "not_allowed", room } });

    const r = await muc(alice!, "mutation", `deleteRoom(room: ${s(room)})`);
    expect(r.data).toBe("Room deleted successfully");
    const gone = await next(isPresenceFrom(`${room}/bob`, "unavailable"));
    expect(mucX(gone)?.getChild("destroy")?.getChildText("reason")).toBe("Room deleted through the user GraphQL API");

    // The owner's session was put out too (ejabberd's notice to it has no status 110).
    expect((await muc(alice!, "query", `listRoomUsers(room: ${s(room)}) { nick }`)).error).toMatchObject({ extensions: { code: "room_not_found" } });
    // Destroying it again does not re-create it (ejabberd creates rooms on muc#owner requests).
    const again = await muc(alice!, "mutation", `deleteRoom(room: ${s(room)}, reason: "x")`);
    expect(again.error).toMatchObject({ message: "Cannot remove non-existent room", extensions: { code: "room_not_found" } });
    const config = await muc(alice!, "query", `getRoomConfig(room: ${s(room)}) { title }`);
    expect(config.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
    const listed = await muc(alice!, "query", `listRooms(mucDomain: ${s(gw.sandbox.mucDomain)}) { rooms { jid } }`);
    expect(listed.data.rooms.map((x: { jid: string }) => x.jid)).not.toContain(room);
  });
});

/**
 * A new room's settings that come from the MUC service's default room options, which its
 * operator sets (the gateway keeps them; it only makes the room public). ejabberd's are
 * MongooseIM's own defaults; Prosody's rooms are unmoderated, with owner-only subject
 * changes, open invitations and no occupant limit. `logging` is the room's MAM archive,
 * on in both sandboxes.
 */
const SERVICE_DEFAULTS = {
  prosody: { allowChangeSubject: false, allowUserInvites: true, maxUsers: null, moderated: false, publicList: false, logging: true },
  ejabberd: { allowChangeSubject: true, allowUserInvites: false, maxUsers: 200, moderated: true, publicList: true, logging: true },
}[SERVER];

/** A change each server's form accepts but its room does not apply: Prosody keeps invitations open in an open room; ejabberd caps the occupant limit at its service's max_users. */
const NOT_APPLIED = {
  prosody: { change: "allowUserInvites: false", field: "allowUserInvites" },
  ejabberd: { change: "maxUsers: 100000", field: "maxUsers" },
}[SERVER];

describe("configuration", () => {
  it("getRoomConfig reads every field; only owners may", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await createRoom(alice!);
    const r = await muc(alice!, "query", `getRoomConfig(room: ${s(room)}) { title description allowChangeSubject allowQueryUsers allowPrivateMessages
      allowVisitorStatus allowVisitorNickchange public publicList persistent moderated membersByDefault membersOnly allowUserInvites
      allowMultipleSession passwordProtected password anonymous mayGetMemberList maxUsers logging }`);
    expect(r.error).toBeUndefined();
    expect(r.data).toEqual({
      title: "", description: "", allowQueryUsers: true, allowPrivateMessages: true,
      allowVisitorStatus: true, allowVisitorNickchange: true, public: true, persistent: false,
      membersByDefault: true, membersOnly: false, allowMultipleSession: true, passwordProtected: false,
      password: "", anonymous: true, mayGetMemberList: [],
      ...SERVICE_DEFAULTS,
    });
    const refused = await muc(bob!, "query", `getRoomConfig(room: ${s(room)}) { title }`);
    expect(refused.error).toMatchObject({ message: "Given user does not have permission to read config", extensions: { code: "not_allowed", room } });
    const missing = await muc(alice!, "query", `getRoomConfig(room: ${s(newRoom())}) { title }`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
  });

  it("changeRoomConfiguration applies the given fields, returns the result, and the room shows it", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await createRoom(alice!);
    const r = await configure(alice!, room, `title: "Lounge", persistent: true, anonymous: false, passwordProtected: true, password: "s3cret"`);
    expect(r.error).toBeUndefined();
    expect(r.data).toEqual({ title: "Lounge", persistent: true, membersOnly: false, anonymous: false, passwordProtected: true, password: "s3cret" });
    const features = await rawDiscoFeatures(await raw(bob!), room);
    expect([...features]).toEqual(expect.arrayContaining(["muc_persistent", "muc_nonanonymous", "muc_passwordprotected"]));

    const off = await configure(alice!, room, `passwordProtected: false, description: "chat"`);
    expect(off.data).toMatchObject({ passwordProtected: false, password: "" });
    const config = await muc(alice!, "query", `getRoomConfig(room: ${s(room)}) { description }`);
    expect(config.data.description).toBe("chat");
  });

  it("changeRoomConfiguration refuses a field the server's form lacks instead of dropping it", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await createRoom(alice!);
    // Neither Prosody's nor ejabberd's form has these two.
    const r = await configure(alice!, room, `allowMultipleSession: false, mayGetMemberList: ["moderator"], title: "never"`);
    expect(r.error).toMatchObject({ extensions: { code: "config_field_not_supported", room, fields: ["allowMultipleSession", "mayGetMemberList"] } });
    // Nothing was applied.
    expect((await muc(alice!, "query", `getRoomConfig(room: ${s(room)}) { title }`)).data.title).toBe("");
    // The value the room already has is accepted (getRoomConfig output round-trips).
    const same = await configure(alice!, room, `allowMultipleSession: true, mayGetMemberList: [], allowPrivateMessages: true, title: "ok"`);
    expect(same.data.title).toBe("ok");
    // Accepted by the form but not applied by the room.
    const unapplied = await configure(alice!, room, NOT_APPLIED.change);
    expect(unapplied.error).toMatchObject({ extensions: { code: "cannot_modify", fields: [NOT_APPLIED.field] } });

    const refused = await configure(bob!, room, `title: "mine"`);
    expect(refused.error).toMatchObject({ message: "Given user does not have permission to change the config", extensions: { code: "not_allowed" } });
    const missing = await configure(alice!, newRoom(), `title: "x"`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
  });
});

describe("entering, leaving and talking", () => {
  it("enterRoom joins through the pooled session (whatever the resource), with the password; exitRoom leaves", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await createRoom(alice!);
    await configure(alice!, room, `anonymous: false, password: "pw", passwordProtected: true`);
    const observer = await raw(alice!, "observer");
    await rawJoin(observer, room, "watcher", "pw");
    // Bob has a real client on resource "phone"; the gateway must not take that resource over.
    const bobPhone = await raw(bob!, "phone");

    const wrong = await muc(bob!, "mutation", `enterRoom(room: ${s(room)}, nick: "bob", resource: "phone", password: "nope")`);
    expect(wrong.error).toMatchObject({ extensions: { code: "wrong_password", room } });
    const taken = await muc(bob!, "mutation", `enterRoom(room: ${s(room)}, nick: "watcher", resource: "phone", password: "pw")`);
    expect(taken.error).toMatchObject({ extensions: { code: "nick_conflict" } });

    const next = upcoming(observer);
    const r = await muc(bob!, "mutation", `enterRoom(room: ${s(room)}, nick: "bob", resource: "phone", password: "pw")`);
    expect(r.data).toBe("Entering room message sent successfully");
    const joined = await next(isPresenceFrom(`${room}/bob`));
    expect(mucX(joined)?.getChild("item")?.attrs.jid).toMatch(new RegExp(`^${bob!.jid}/graphql-[0-9a-f]+$`));
    expect(bobPhone.received.some((st) => st.name === "presence" && st.attrs.from?.startsWith(room))).toBe(false);
    await bobPhone.iq(xml("iq", { type: "get", to: gw.sandbox.domain }, xml("ping", { xmlns: "urn:xmpp:ping" }))); // still connected

    // Entering again under another nick changes the nick (XEP-0045 §7.6).
    const renamed = upcoming(observer);
    expect((await muc(bob!, "mutation", `enterRoom(room: ${s(room)}, nick: "robert", resource: "phone", password: "pw")`)).data)
      .toBe("Entering room message sent successfully");
    const change = await renamed(isPresenceFrom(`${room}/bob`, "unavailable"));
    expect(statuses(change)).toContain(303);
    await renamed(isPresenceFrom(`${room}/robert`));

    const leaving = upcoming(observer);
    const out = await muc(bob!, "mutation", `exitRoom(room: ${s(room)}, nick: "robert", resource: "phone")`);
    expect(out.data).toBe("Exiting room message sent successfully");
    await leaving(isPresenceFrom(`${room}/robert`, "unavailable"));
    // Leaving a room one is not in is MongooseIM's fire-and-forget success.
    expect((await muc(bob!, "mutation", `exitRoom(room: ${s(room)}, nick: "bob", resource: "x")`)).data).toBe("Exiting room message sent successfully");
  });

  it("enterRoom reports a ban and an unknown service", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await createRoom(alice!);
    await muc(alice!, "mutation", `setUserAffiliation(room: ${s(room)}, user: ${s(bob!.jid)}, affiliation: OUTCAST)`);
    const banned = await muc(bob!, "mutation", `enterRoom(room: ${s(room)}, nick: "bob", resource: "r")`);
    expect(banned.error).toMatchObject({ extensions: { code: "not_allowed", room } });
    const unknown = await muc(bob!, "mutation", `enterRoom(room: "x@${gw.sandbox.domain}", nick: "bob", resource: "r")`);
    expect(unknown.error).toMatchObject({ message: "MUC server not found", extensions: { code: "muc_server_not_found" } });
  });

  it("sendMessageToRoom and sendPrivateMessage reach occupants; the room's refusals are reported", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await createRoom(alice!, newRoom(), "ali");
    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob");
    const next = upcoming(bobClient);

    const group = await muc(alice!, "mutation", `sendMessageToRoom(room: ${s(room)}, body: "hello all")`);
    expect(group.data).toBe("Message sent successfully");
    const message = await next((st) => st.name === "message" && st.attrs.type === "groupchat" && st.getChildText("body") === "hello all");
    expect(message.attrs.from).toBe(`${room}/ali`);

    const pm = await muc(alice!, "mutation", `sendPrivateMessage(room: ${s(room)}, toNick: "bob", body: "psst", resource: "any")`);
    expect(pm.data).toBe("Message sent successfully");
    const privateMessage = await next((st) => st.name === "message" && st.getChildText("body") === "psst");
    expect(privateMessage.attrs).toMatchObject({ from: `${room}/ali`, type: "chat" });

    const noNick = await muc(alice!, "mutation", `sendPrivateMessage(room: ${s(room)}, toNick: "nobody", body: "x")`);
    expect(noNick.error).toMatchObject({ extensions: { code: "occupant_not_found", room } });
    const outsider = await muc(carol!, "mutation", `sendMessageToRoom(room: ${s(room)}, body: "let me in")`);
    expect(outsider.error).toMatchObject({ extensions: { code: "not_in_room", room } });
    const missing = await muc(alice!, "mutation", `sendMessageToRoom(room: ${s(newRoom())}, body: "x")`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
    expect(bobClient.received.some((st) => st.getChildText("body") === "let me in")).toBe(false);
  });

  it("getRoomMessages reads the room archive, newest last, capped at 50, before an instant", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await createRoom(alice!, newRoom(), "ali");
    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob");
    for (let i = 1; i <= 3; i++) await muc(alice!, "mutation", `sendMessageToRoom(room: ${s(room)}, body: "m${i}")`);
    await bobClient.send(xml("message", { to: room, type: "groupchat" }, xml("body", {}, "from bob")));
    const query = (args: string) => muc(bob!, "query", `getRoomMessages(room: ${s(room)}${args}) { limit stanzas { sender timestamp stanza_id stanza } }`);
    const bodyOf = (text: string) => /<body>([^<]*)<\/body>/.exec(text)?.[1];

    await expect.poll(async () => (await query("")).data.stanzas.length).toBe(4);
    const all = (await query("")).data;
    expect(all.limit).toBe(50);
    expect(all.stanzas.map((x: { stanza: string }) => bodyOf(x.stanza))).toEqual(["m1", "m2", "m3", "from bob"]);
    expect(all.stanzas[0].sender).toBe(`${room}/ali`);
    expect(all.stanzas[3].sender).toBe(`${room}/bob`);
    expect((await query(", pageSize: 2")).data.stanzas.map((x: { stanza: string }) => bodyOf(x.stanza))).toEqual(["m3", "from bob"]);
    expect((await query(", pageSize: 500")).data.limit).toBe(50);
    expect((await query(`, before: "2000-01-01T00:00:00Z"`)).data.stanzas).toEqual([]);
    // Paging back by the oldest timestamp a page gave: the four messages share a second or
    // two, and none is lost or repeated at the page boundaries.
    const paged: string[] = [];
    let before = "";
    for (let pages = 0; pages < 10; pages++) {
      const page = (await query(`, pageSize: 1${before}`)).data.stanzas as Array<{ timestamp: string; stanza: string }>;
      if (page.length === 0) break;
      paged.unshift(bodyOf(page[0]!.stanza)!);
      before = `, before: ${s(page[0]!.timestamp)}`;
    }
    expect(paged).toEqual(["m1", "m2", "m3", "from bob"]);

    const missing = await muc(bob!, "query", `getRoomMessages(room: ${s(newRoom())}) { limit }`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
    const noService = await muc(bob!, "query", `getRoomMessages(room: "x@${gw.sandbox.domain}") { limit }`);
    expect(noService.error).toMatchObject({ message: "MUC server not found", extensions: { code: "muc_server_not_found" } });
  });
});

describe("moderation and affiliations", () => {
  it("setUserRole changes an occupant's role; the room decides who may", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await createRoom(alice!);
    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob");
    const next = upcoming(bobClient);
    const r = await muc(alice!, "mutation", `setUserRole(room: ${s(room)}, nick: "bob", role: VISITOR)`);
    expect(r.data).toBe("Role set successfully");
    const update = await next((st) => isPresenceFrom(`${room}/bob`)(st) && mucX(st)?.getChild("item")?.attrs.role === "visitor");
    expect(statuses(update)).toContain(110);

    await muc(carol!, "mutation", `enterRoom(room: ${s(room)}, nick: "carol", resource: "r")`);
    const refused = await muc(carol!, "mutation", `setUserRole(room: ${s(room)}, nick: "bob", role: PARTICIPANT)`);
    expect(refused.error).toMatchObject({ message: "Given user does not have permission to set the participant role", extensions: { code: "not_allowed", room } });
    const noNick = await muc(alice!, "mutation", `setUserRole(room: ${s(room)}, nick: "nobody", role: VISITOR)`);
    expect(noNick.error).toMatchObject({ message: "Nickname nobody does not exist in the room", extensions: { code: "cannot_modify" } });
    const missing = await muc(alice!, "mutation", `setUserRole(room: ${s(newRoom())}, nick: "bob", role: VISITOR)`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
  });

  it("setUserAffiliation and listRoomAffiliations manage and read the lists", async () => {
    const [alice, bob, carol, dave] = await gw.sandbox.createUsers(4);
    const room = await createRoom(alice!);
    for (const [user, aff] of [[bob!, "MEMBER"], [carol!, "ADMIN"], [dave!, "OUTCAST"]] as const) {
      const r = await muc(alice!, "mutation", `setUserAffiliation(room: ${s(room)}, user: ${s(`${user.jid}/res`)}, affiliation: ${aff})`);
      expect(r.data).toBe("Affiliation set successfully");
    }
    const all = await muc(alice!, "query", `listRoomAffiliations(room: ${s(room)}) { jid affiliation }`);
    expect(all.data).toEqual(expect.arrayContaining([
      { jid: alice!.jid, affiliation: "OWNER" }, { jid: bob!.jid, affiliation: "MEMBER" },
      { jid: carol!.jid, affiliation: "ADMIN" }, { jid: dave!.jid, affiliation: "OUTCAST" },
    ]));
    expect(all.data).toHaveLength(4);
    expect((await muc(alice!, "query", `listRoomAffiliations(room: ${s(room)}, affiliation: MEMBER) { jid }`)).data).toEqual([{ jid: bob!.jid }]);
    expect((await muc(alice!, "query", `listRoomAffiliations(room: ${s(room)}, affiliation: NONE) { jid }`)).data).toEqual([]);

    const byMember = await muc(bob!, "mutation", `setUserAffiliation(room: ${s(room)}, user: ${s(dave!.jid)}, affiliation: MEMBER)`);
    expect(byMember.error).toMatchObject({ message: "Given user does not have permission to set the member affiliation", extensions: { code: "not_allowed" } });
    const lastOwner = await muc(alice!, "mutation", `setUserAffiliation(room: ${s(room)}, user: ${s(alice!.jid)}, affiliation: MEMBER)`);
    expect(lastOwner.error).toMatchObject({ extensions: { code: "cannot_modify" } });
    const listByMember = await muc(bob!, "query", `listRoomAffiliations(room: ${s(room)}) { jid }`);
    expect(listByMember.error).toMatchObject({ message: "Given user does not have permission to read this room", extensions: { code: "not_allowed" } });
    const missing = await muc(alice!, "mutation", `setUserAffiliation(room: ${s(newRoom())}, user: ${s(bob!.jid)}, affiliation: MEMBER)`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
    const missingList = await muc(alice!, "query", `listRoomAffiliations(room: ${s(newRoom())}) { jid }`);
    expect(missingList.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
  });

  it("listRoomUsers reads occupants from inside the room, or as a moderator from outside; others are refused", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await createRoom(alice!, newRoom(), "ali");
    await configure(alice!, room, "persistent: true");
    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob");
    // Carol inside a semi-anonymous room sees nicks and roles, not real JIDs.
    await muc(carol!, "mutation", `enterRoom(room: ${s(room)}, nick: "carol", resource: "r")`);
    const inside = await muc(carol!, "query", `listRoomUsers(room: ${s(room)}) { nick role jid }`);
    expect(inside.data).toEqual([
      { nick: "ali", role: "MODERATOR", jid: null }, { nick: "bob", role: "PARTICIPANT", jid: null }, { nick: "carol", role: "PARTICIPANT", jid: null },
    ]);
    // The owner, a moderator, sees real JIDs, also after leaving where the server gives
    // moderators' lists to owners outside the room (Prosody). ejabberd gives them only to
    // moderators inside it, and its occupant listing (disco#items) has no roles.
    await muc(alice!, "mutation", `exitRoom(room: ${s(room)}, nick: "ali", resource: "r")`);
    const outside = await muc(alice!, "query", `listRoomUsers(room: ${s(room)}) { nick role jid }`);
    if (SERVER === "ejabberd") {
      expect(outside.error).toMatchObject({ extensions: { code: "not_in_room", room } });
    } else {
      expect(outside.data).toEqual([
        { nick: "bob", role: "PARTICIPANT", jid: `${bob!.jid}/raw` },
        { nick: "carol", role: "PARTICIPANT", jid: expect.stringMatching(new RegExp(`^${carol!.jid}/graphql-`)) },
      ]);
    }
    const dave = await gw.sandbox.createUser();
    const refused = await muc(dave, "query", `listRoomUsers(room: ${s(room)}) { nick }`);
    expect(refused.error).toMatchObject({ message: "Given user does not have permission to read this room", extensions: { code: "not_allowed", room } });
    const missing = await muc(alice!, "query", `listRoomUsers(room: ${s(newRoom())}) { nick }`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
  });

  it("kickUser needs the caller's moderator occupant, and the kicked occupant sees the reason", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await createRoom(alice!);
    const bobClient = await raw(bob!);
    await rawJoin(bobClient, room, "bob");
    const noModerator = await muc(carol!, "mutation", `kickUser(room: ${s(room)}, nick: "bob")`);
    expect(noModerator.error).toMatchObject({ message: "Resource with moderator role not found", extensions: { code: "moderator_not_found", room } });
    const missing = await muc(alice!, "mutation", `kickUser(room: ${s(newRoom())}, nick: "bob")`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
    const noNick = await muc(alice!, "mutation", `kickUser(room: ${s(room)}, nick: "nobody")`);
    expect(noNick.error).toMatchObject({ extensions: { code: "cannot_modify" } });

    const next = upcoming(bobClient);
    const r = await muc(alice!, "mutation", `kickUser(room: ${s(room)}, nick: "bob")`);
    expect(r.data).toBe("Kick message sent successfully");
    const kicked = await next(isPresenceFrom(`${room}/bob`, "unavailable"));
    expect(statuses(kicked)).toContain(307);
    expect(mucX(kicked)?.getChild("item")?.getChildText("reason")).toBe("User kicked through the user GraphQL API");

    // A kicked gateway session stays out (it goes back in only after an exit without a reason).
    await muc(carol!, "mutation", `enterRoom(room: ${s(room)}, nick: "carol", resource: "r")`);
    const carolOut = upcoming(bobClient);
    await rawJoin(bobClient, room, "bob");
    await muc(alice!, "mutation", `kickUser(room: ${s(room)}, nick: "carol", reason: "out")`);
    await carolOut(isPresenceFrom(`${room}/carol`, "unavailable"));
    const afterKick = await muc(carol!, "mutation", `sendMessageToRoom(room: ${s(room)}, body: "back?")`);
    expect(afterKick.error).toMatchObject({ extensions: { code: "not_in_room" } });
    expect(bobClient.received.filter((st) => isPresenceFrom(`${room}/carol`)(st))).toHaveLength(1);
  });
});

describe("three users: owner, member, outsider", () => {
  it("the member and the outsider see the owner's invitation, message and kick through their own clients", async () => {
    const [owner, member, outsider] = await gw.sandbox.createUsers(3);
    const room = await createRoom(owner!, newRoom(), "boss");
    await configure(owner!, room, "membersOnly: true, persistent: true");
    await muc(owner!, "mutation", `setUserAffiliation(room: ${s(room)}, user: ${s(member!.jid)}, affiliation: MEMBER)`);
    const memberClient = await raw(member!);
    const outsiderClient = await raw(outsider!);
    expect((await rawJoin(memberClient, room, "mem")).attrs.type).toBeUndefined();
    const refusedEntry = await rawJoin(outsiderClient, room, "out");
    expect(refusedEntry.attrs.type).toBe("error");
    expect(refusedEntry.getChild("error")?.getChild("registration-required")).toBeDefined();

    // The outsider cannot look inside.
    const peek = await muc(outsider!, "query", `listRoomUsers(room: ${s(room)}) { nick }`);
    expect(peek.error?.extensions?.code).toBe("not_allowed");
    const history = await muc(outsider!, "query", `getRoomMessages(room: ${s(room)}) { limit }`);
    expect(history.error).toMatchObject({ extensions: { code: "not_allowed" } });

    const invitation = upcoming(outsiderClient);
    const invited = await muc(owner!, "mutation", `inviteUser(room: ${s(room)}, recipient: ${s(outsider!.jid)}, reason: "join us")`);
    expect(invited.data).toBe("Invitation sent successfully");
    const invite = await invitation((st) => st.name === "message" && !!mucX(st)?.getChild("invite"));
    expect(invite.attrs.from).toBe(room);
    expect(mucX(invite)?.getChild("invite")?.getChildText("reason")).toBe("join us");
    expect(mucX(invite)?.getChild("invite")?.attrs.from).toMatch(new RegExp(`^${owner!.jid}|^${room}/boss$`));

    const said = upcoming(memberClient);
    await muc(owner!, "mutation", `sendMessageToRoom(room: ${s(room)}, body: "welcome")`);
    expect((await said((st) => st.getChildText("body") === "welcome")).attrs.from).toBe(`${room}/boss`);

    const users = await muc(owner!, "query", `listRoomUsers(room: ${s(room)}) { nick role }`);
    expect(users.data).toEqual([{ nick: "boss", role: "MODERATOR" }, { nick: "mem", role: "PARTICIPANT" }]);

    const kick = upcoming(memberClient);
    await muc(owner!, "mutation", `kickUser(room: ${s(room)}, nick: "mem", reason: "bye")`);
    const kicked = await kick(isPresenceFrom(`${room}/mem`, "unavailable"));
    expect(mucX(kicked)?.getChild("item")?.getChildText("reason")).toBe("bye");
    await expect.poll(async () => (await muc(owner!, "query", `listRoomUsers(room: ${s(room)}) { nick }`)).data).toEqual([{ nick: "boss" }]);
  });

  it("inviteUser sends MongooseIM's default reason and reports a missing room", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const room = await createRoom(alice!);
    const bobClient = await raw(bob!);
    const next = upcoming(bobClient);
    await muc(alice!, "mutation", `inviteUser(room: ${s(room)}, recipient: ${s(bob!.jid)})`);
    const invite = await next((st) => st.name === "message" && !!mucX(st)?.getChild("invite"));
    expect(mucX(invite)?.getChild("invite")?.getChildText("reason")).toBe("User invited through the user GraphQL API");

    // From outside the room: Prosody forwards the invitation; ejabberd takes invitations
    // from occupants only, and the gateway has no nickname to enter with.
    await rawJoin(bobClient, room, "bob");
    await muc(alice!, "mutation", `exitRoom(room: ${s(room)}, nick: "owner", resource: "r")`);
    const outside = await muc(alice!, "mutation", `inviteUser(room: ${s(room)}, recipient: ${s(carol!.jid)})`);
    if (SERVER === "ejabberd") expect(outside.error).toMatchObject({ extensions: { code: "not_in_room", room } });
    else expect(outside.data).toBe("Invitation sent successfully");
    const missing = await muc(alice!, "mutation", `inviteUser(room: ${s(newRoom())}, recipient: ${s(bob!.jid)})`);
    expect(missing.error).toMatchObject({ message: "Room not found", extensions: { code: "room_not_found" } });
  });
});

describe("occupancy belongs to the pooled session", () => {
  it("survives the end of a live subscription and setLast, and ends cleanly when the session closes", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const room = await createRoom(alice!, newRoom(), "ali");
    await configure(alice!, room, "persistent: true");
    const observer = await raw(bob!);
    await rawJoin(observer, room, "obs");

    // A subscription makes the session available; ending it broadcasts unavailable
    // presence, which the server also sends to the rooms. The session goes back in.
    const aliceJid = (await muc(alice!, "query", `listRoomUsers(room: ${s(room)}) { nick jid }`)).data.find((u: { nick: string }) => u.nick === "ali").jid;
    expect(aliceJid).toMatch(new RegExp(`^${alice!.jid}/graphql-`));
    const sub = await subscribeWs(gw.url, { Authorization: "Basic " + Buffer.from(`${alice!.jid}:${alice!.password}`).toString("base64") });
    await untilLive(
      sub,
      (body) => observer.send(xml("message", { to: aliceJid, type: "chat" }, xml("body", {}, body))),
      (event) => /<body>([^<]*)<\/body>/.exec(event?.data?.stanza?.subscribeForMessages?.stanza ?? "")?.[1],
    );
    const rejoin = upcoming(observer);
    await sub.stop();
    await rejoin(isPresenceFrom(`${room}/ali`, "unavailable"));
    await rejoin(isPresenceFrom(`${room}/ali`));
    await expect.poll(async () => (await muc(alice!, "query", `listRoomUsers(room: ${s(room)}) { nick }`)).data).toEqual([{ nick: "ali" }, { nick: "obs" }]);

    // last.setLast also sends unavailable presence (XEP-0012): same exit, same return.
    const again = upcoming(observer);
    const last = await gw.gql(`mutation { last { setLast(status: "away") { status } } }`, undefined, alice);
    expect(last.body.errors).toBeUndefined();
    await again(isPresenceFrom(`${room}/ali`, "unavailable"));
    await again(isPresenceFrom(`${room}/ali`));

    const closing = upcoming(observer);
    await gw.app.pool.drop(alice!.jid);
    await closing(isPresenceFrom(`${room}/ali`, "unavailable"));
  });
});
