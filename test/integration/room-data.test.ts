import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { SERVER, basicAuth } from "../support/gateway.js";
import { useGateway, useSubscribers } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import { isRoomEvent, streamEvent, subscribeWs, untilLive } from "../support/subscribers.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

/*
 * conversations.setRoomData: a room's subject and icon changed by its owner, seen by a
 * member's event stream and by an independent XMPP client in the room; refused to members
 * and for malformed input.
 */

const NS_MUC = "http://jabber.org/protocol/muc";
const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
const STREAM = `subscription { events { stream {
  __typename
  ... on MessageEvent { message { body } }
  ... on PresenceEvent { presence { jid } }
  ... on RoomEvent { room roomEvent: kind nick subject }
} } }`;
const SET = `mutation($room: BareJID!, $subject: String, $icon: String, $clearIcon: Boolean) {
  conversations { setRoomData(room: $room, subject: $subject, icon: $icon, clearIcon: $clearIcon) { id kind subject icon } }
}`;
// A 1×1 PNG.
const ICON = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const s = JSON.stringify;

const gw = useGateway();
const subs = useSubscribers();

const event = streamEvent;
const roomEvent = isRoomEvent;
const statuses = (st: Element) => (st.getChild("x", NS_MUC_USER)?.getChildren("status") ?? []).map((x) => x.attrs.code);

async function setRoomData(user: SandboxUser, variables: Record<string, unknown>) {
  const r = await gw.gql(SET, variables, user);
  expect(r.status).toBe(200);
  return { data: r.body.data?.conversations?.setRoomData, error: r.body.errors?.[0] };
}

async function ok(user: SandboxUser, document: string): Promise<any> {
  const r = await gw.gql(document, undefined, user);
  expect(r.body.errors, s(r.body)).toBeUndefined();
  return r.body.data;
}

/** A raw client enters a room; resolves on its own presence. */
async function rawJoin(c: RawClient, room: string, nick: string): Promise<void> {
  await c.send(xml("presence", { to: `${room}/${nick}` }, xml("x", { xmlns: NS_MUC }, xml("history", { maxstanzas: "0" }))));
  const self = await c.waitFor((st) => st.name === "presence" && st.attrs.from === `${room}/${nick}`);
  expect(self.attrs.type, self.toString()).toBeUndefined();
}

/** Resolves with the next stanza of `c` matching `predicate`, received after this call. */
function next(c: RawClient, predicate: (st: Element) => boolean): Promise<Element> {
  const start = c.received.length;
  return c.waitFor((st) => c.received.indexOf(st) >= start && predicate(st));
}

describe("conversations.setRoomData on a MUC Light room", () => {
  it("the owner's subject and icon reach a member's stream and a raw client; clearIcon removes the icon", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3, "room-data");
    const room = (await ok(alice!, `mutation { muc_light { createRoom(mucDomain: ${s(gw.sandbox.mucDomain)}, name: "Birds", subject: "Owls") { jid } } }`)).muc_light.createRoom.jid as string;
    for (const u of [bob!, carol!]) await ok(alice!, `mutation { muc_light { inviteUser(room: ${s(room)}, recipient: ${s(u.jid)}) } }`);
    await ok(bob!, "{ muc_light { listRooms } }");
    const carolClient = await gw.connect(carol!);
    const sub = await subscribeWs(gw.url, { Authorization: basicAuth(bob!) }, STREAM);
    subs.push(sub);
    await untilLive(sub, (body) => carolClient.send(xml("message", { to: bob!.jid, type: "chat" }, xml("body", {}, body))), (e) => event(e)?.message?.body);
    // Bob's session is in the room once it sees carol enter.
    await rawJoin(carolClient, room, "carol");
    await sub.waitFor((e) => roomEvent(room, "JOINED")(e) && event(e).nick === "carol");

    const subjectSeen = next(carolClient, (st) => st.name === "message" && st.getChildText("subject") === "Night owls");
    const changed = await setRoomData(alice!, { room, subject: "Night owls" });
    expect(changed.error).toBeUndefined();
    expect(changed.data).toEqual({ id: room, kind: "ROOM", subject: "Night owls", icon: null });
    await subjectSeen;
    expect(event(await sub.waitFor(roomEvent(room, "SUBJECT")))).toMatchObject({ subject: "Night owls" });

    const configSeen = next(carolClient, (st) => st.name === "message" && statuses(st).includes("104"));
    const withIcon = await setRoomData(alice!, { room, icon: ICON });
    expect(withIcon.error).toBeUndefined();
    expect(withIcon.data).toMatchObject({ id: room, icon: ICON });
    await configSeen;
    await sub.waitFor(roomEvent(room, "CONFIG"));
    if (SERVER === "ejabberd") {
      // ejabberd also announces the avatar's hash in presence from the room (XEP-0153).
      await sub.waitFor(roomEvent(room, "ICON"));
      // The room's vCard (XEP-0486), as any XMPP client reads it.
      const vcard = await carolClient.iq(xml("iq", { type: "get", to: room }, xml("vCard", { xmlns: "vcard-temp" })));
      expect(vcard.getChild("vCard")?.getChild("PHOTO")?.getChildText("BINVAL")).toBe(ICON.split(",")[1]);
    }
    // A member's conversation list shows it, read from the room when asked for.
    const listed = (await ok(bob!, "{ conversations { list { items { id icon } } } }")).conversations.list.items as Array<{ id: string; icon: string | null }>;
    expect(listed.find((c) => c.id === room)?.icon).toBe(ICON);
    // Read back by the next change, which keeps it; the MUC Light configuration is untouched.
    expect((await setRoomData(alice!, { room, subject: "Owls again" })).data).toMatchObject({ subject: "Owls again", icon: ICON });
    const config = (await ok(bob!, `{ muc_light { getRoomConfig(room: ${s(room)}) { name subject options { key value } } } }`)).muc_light.getRoomConfig;
    expect(config).toEqual({ name: "Birds", subject: "Owls again", options: [{ key: "roomname", value: "Birds" }, { key: "subject", value: "Owls again" }] });

    const cleared = await setRoomData(alice!, { room, clearIcon: true });
    expect(cleared.error).toBeUndefined();
    expect(cleared.data).toMatchObject({ icon: null });
    expect((await setRoomData(alice!, { room, subject: "Owls" })).data).toMatchObject({ subject: "Owls", icon: null });
    expect((await ok(bob!, `{ conversations { get(id: ${s(room)}) { icon } } }`)).conversations.get.icon).toBeNull();
    await sub.waitFor((e) => roomEvent(room, "SUBJECT")(e) && event(e).subject === "Owls");
    // The room tells its stanzas in order: each icon change once (set, cleared) on ejabberd.
    const icons = sub.events.filter(roomEvent(room, "ICON")).length;
    expect(icons).toBe(SERVER === "ejabberd" ? 2 : 0);
    // The room is never taken for a contact.
    expect(sub.events.filter((e) => event(e)?.__typename === "PresenceEvent" && event(e).presence.jid === room)).toEqual([]);
  });

  it("a member is refused with MUC Light's not_allowed, a stranger with not_room_member; malformed input is invalid_input", async () => {
    const [alice, bob, eve] = await gw.sandbox.createUsers(3, "room-data-deny");
    const room = (await ok(alice!, `mutation { muc_light { createRoom(mucDomain: ${s(gw.sandbox.mucDomain)}, name: "Birds") { jid } } }`)).muc_light.createRoom.jid as string;
    await ok(alice!, `mutation { muc_light { inviteUser(room: ${s(room)}, recipient: ${s(bob!.jid)}) } }`);
    for (const variables of [{ room, subject: "mine" }, { room, icon: ICON }]) {
      const r = await setRoomData(bob!, variables);
      expect(r.error?.extensions, s(variables)).toMatchObject({ code: "not_allowed" });
      expect(r.error?.message).toBe("Given user does not have permission to change config");
    }
    expect((await setRoomData(eve!, { room, subject: "mine" })).error?.extensions).toMatchObject({ code: "not_room_member" });
    const invalid: Array<[Record<string, unknown>, string]> = [
      [{ room }, "subject"],
      [{ room, clearIcon: false }, "subject"],
      [{ room, icon: ICON, clearIcon: true }, "clearIcon"],
      [{ room, icon: "https://example.com/owl.png" }, "icon"],
      [{ room, icon: "data:text/plain;base64,aGk=" }, "icon"],
      [{ room, icon: `data:image/png;base64,${"A".repeat(64 * 1024)}` }, "icon"],
    ];
    for (const [variables, field] of invalid) {
      expect((await setRoomData(alice!, variables)).error?.extensions, s(variables).slice(0, 200)).toEqual({ code: "invalid_input", field });
    }
    const missing = await setRoomData(alice!, { room: `gone-${randomBytes(4).toString("hex")}@${gw.sandbox.mucDomain}`, subject: "x" });
    expect(missing.error?.extensions).toMatchObject({ code: "room_not_found" });
  });
});

describe("conversations.setRoomData on a MUC room", () => {
  it("the owner changes the subject through its session in the room; the icon where rooms take a vCard; others are refused", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2, "room-data-muc");
    const room = `rd-${randomBytes(5).toString("hex")}@${gw.sandbox.mucDomain}`;
    await ok(alice!, `mutation { muc { createInstantRoom(room: ${s(room)}, nick: "alice") { jid } } }`);
    const bobClient = await gw.connect(bob!);
    await rawJoin(bobClient, room, "bob");

    const subjectSeen = next(bobClient, (st) => st.name === "message" && st.getChildText("subject") === "Dusk");
    const changed = await setRoomData(alice!, { room, subject: "Dusk" });
    expect(changed.error).toBeUndefined();
    expect(changed.data).toMatchObject({ id: room, kind: "ROOM", subject: "Dusk", icon: null });
    await subjectSeen;

    const withIcon = await setRoomData(alice!, { room, icon: ICON });
    if (SERVER === "ejabberd") {
      expect(withIcon.error).toBeUndefined();
      expect(withIcon.data).toMatchObject({ icon: ICON });
      await bobClient.waitFor((st) => st.name === "message" && st.attrs.from === room && statuses(st).includes("104"));
      const vcard = await bobClient.iq(xml("iq", { type: "get", to: room }, xml("vCard", { xmlns: "vcard-temp" })));
      expect(vcard.getChild("vCard")?.getChild("PHOTO")?.getChildText("BINVAL")).toBe(ICON.split(",")[1]);
    } else {
      // Prosody 0.12's rooms take no vCard, and a MUC room's configuration has no place for it.
      expect(withIcon.error?.extensions).toMatchObject({ code: "config_field_not_supported", fields: ["icon"] });
    }

    // Bob's gateway session is not in the room; once in, he has no affiliation there.
    expect((await setRoomData(bob!, { room, subject: "mine" })).error?.extensions).toMatchObject({ code: "not_in_room" });
    await ok(bob!, `mutation { muc { enterRoom(room: ${s(room)}, nick: "bob-gw", resource: "gw") } }`);
    const denied = await setRoomData(bob!, { room, subject: "mine" });
    expect(denied.error?.extensions).toMatchObject({ code: "not_allowed" });
    expect(denied.error?.message).toBe("Given user does not have permission to change the config");
  });
});
