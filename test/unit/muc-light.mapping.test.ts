import { describe, expect, it } from "vitest";
import {
  applyChanges, creationConfig, decodeDescription, encodeDescription, fullRoom, givenRoom, isLightDescription, participantsFrom, roomSubjectOf, toConfigMap,
} from "../../src/muc-light/muc-light.mapping.js";
import { parseRoomInfo } from "../../src/muc/muc.stanzas.js";
import { parseDiscoInfo } from "../../src/xmpp/disco.js";
import { buildInvitation, buildRoomList, invitedRoom, parseRoomList } from "../../src/muc-light/muc-light.stanzas.js";
import { buildSubjectMessage } from "../../src/muc/muc.stanzas.js";
import { buildUnregister } from "../../src/xmpp/register.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";
import { MUC_LIGHT_ERRORS, isNotMember, isRoomMissing } from "../../src/muc-light/muc-light.errors.js";
import { toApiError } from "../../src/errors/map-error.js";
import { buildArchiveQuery } from "../../src/xmpp/mam.js";
import { StanzaError, XmppTimeoutError } from "../../src/xmpp/errors.js";

const x = parseXmlElement;
const ROOM = "birds@muc.localhost";
const ME = "alice@localhost";

describe("configuration map (MongooseIM config_to_map)", () => {
  it("takes the options, then name and subject over roomname/subject; the last duplicate wins", () => {
    const map = toConfigMap("Birds", null, [{ key: "roomname", value: "ignored" }, { key: "music", value: "a" }, { key: "music", value: "b" }, { key: "subject", value: "S" }]);
    expect([...map]).toEqual([["roomname", "Birds"], ["music", "b"], ["subject", "S"]]);
    expect([...toConfigMap(null, undefined, null)]).toEqual([]);
  });

  it("reports given keys only for createRoom, sorted, with name/subject null unless given", () => {
    const room = givenRoom(ROOM, toConfigMap(null, "Owls", [{ key: "z", value: "1" }, { key: "a", value: "2" }]), []);
    expect(room).toEqual({
      jid: ROOM, name: null, subject: "Owls", participants: [],
      options: [{ key: "a", value: "2" }, { key: "subject", value: "Owls" }, { key: "z", value: "1" }],
    });
  });

  it("reports every key for getRoomConfig", () => {
    const stored = { subject: "", options: new Map([["music", "jazz"]]) };
    expect(fullRoom(ROOM, "Untitled", stored, []).options).toEqual([
      { key: "music", value: "jazz" }, { key: "roomname", value: "Untitled" }, { key: "subject", value: "" },
    ]);
  });
});

describe("room description (subject and free-form options)", () => {
  it("round-trips, keeping roomname out of the stored options", () => {
    const stored = applyChanges({ subject: "", options: new Map() }, toConfigMap("N", "S", [{ key: "k", value: "v" }, { key: "__proto__", value: "p" }]));
    expect(stored.subject).toBe("S");
    expect([...stored.options]).toEqual([["k", "v"], ["__proto__", "p"]]);
    const decoded = decodeDescription(encodeDescription(stored));
    expect(decoded.subject).toBe("S");
    expect([...decoded.options]).toEqual([["k", "v"], ["__proto__", "p"]]);
  });

  it("reads a plain room's description, malformed JSON and wrong types as the defaults", () => {
    for (const text of [null, "", "A room about birds", "{", "[]", '{"muclight":3}', '{"other":{}}']) {
      expect(decodeDescription(text), String(text)).toEqual({ subject: "", options: new Map() });
    }
    const odd = decodeDescription('{"muclight":{"subject":5,"options":{"a":1,"b":"ok","roomname":"x"}}}');
    expect(odd).toEqual({ subject: "", options: new Map([["b", "ok"]]) });
  });

  it("merges changes into what is stored", () => {
    const next = applyChanges({ subject: "old", options: new Map([["a", "1"], ["b", "2"]]) }, new Map([["b", "3"], ["roomname", "n"]]));
    expect(next).toEqual({ subject: "old", options: new Map([["a", "1"], ["b", "3"]]) });
  });
});

describe("participants from affiliation lists", () => {
  it("owners first, admins as members, bare lower-case JIDs once each", () => {
    expect(participantsFrom([
      { jid: "Zed@localhost", affiliation: "member" },
      { jid: "bob@localhost/res", affiliation: "admin" },
      { jid: "alice@localhost", affiliation: "owner" },
      { jid: "alice@localhost", affiliation: "member" },
      { jid: "eve@localhost", affiliation: "outcast" },
      { jid: null, affiliation: "member" },
    ])).toEqual([
      { jid: "alice@localhost", affiliation: "OWNER" },
      { jid: "bob@localhost", affiliation: "MEMBER" },
      { jid: "zed@localhost", affiliation: "MEMBER" },
    ]);
  });
});

describe("room configuration submitted at creation", () => {
  it("sends only the fields the server offers", () => {
    const offered = new Set(["muc#roomconfig_roomname", "muc#roomconfig_membersonly", "muc#roomconfig_whois", "muc#roomconfig_persistentroom", "other"]);
    expect(creationConfig(offered, "N", "D")).toEqual({
      "muc#roomconfig_roomname": ["N"], "muc#roomconfig_persistentroom": ["1"], "muc#roomconfig_membersonly": ["1"], "muc#roomconfig_whois": ["anyone"],
    });
  });
});

describe("stanzas", () => {
  it("builds the subject change, the unregistration and the invitation with a body", () => {
    expect(buildSubjectMessage(ROOM, "Owls", "i1").toString()).toBe(`<message to="${ROOM}" type="groupchat" id="i1"><subject>Owls</subject></message>`);
    expect(buildUnregister(ROOM).toString()).toBe(`<iq type="set" to="${ROOM}"><query xmlns="jabber:iq:register"><remove/></query></iq>`);
    const invite = buildInvitation(ROOM, "bob@localhost", ME, "i2");
    expect(invite.getChildText("body")).toBe(`${ME} invited you to the room ${ROOM}`);
    expect(invite.getChild("x", "http://jabber.org/protocol/muc#user")?.getChild("invite")?.attrs.to).toBe("bob@localhost");
  });

  it("pages the archive forward, from the start or after an id", () => {
    expect(buildArchiveQuery({ queryId: "q", max: 50, afterId: null, from: "oldest" }).getChild("query")?.getChild("set")?.toString()).toBe(
      '<set xmlns="http://jabber.org/protocol/rsm"><max>50</max></set>',
    );
    expect(buildArchiveQuery({ queryId: "q", max: 50, afterId: "id7", from: "oldest" }).getChild("query")?.getChild("set")?.getChildText("after")).toBe("id7");
  });
});

describe("invitations found in the archive", () => {
  it("reads mediated invitations from the room and XEP-0249 direct ones", () => {
    const mediated = x(`<message from="${ROOM}" to="${ME}"><body>b</body><x xmlns="http://jabber.org/protocol/muc#user"><invite from="bob@localhost"/></x></message>`);
    expect(invitedRoom(mediated, ME)).toBe(ROOM);
    const direct = x(`<message from="bob@localhost/r" to="${ME}"><x xmlns="jabber:x:conference" jid="Other@muc.localhost"/></message>`);
    expect(invitedRoom(direct, ME)).toBe("other@muc.localhost");
  });

  it("ignores the caller's own invitations, errors and ordinary messages", () => {
    const own = x(`<message from="${ME}/g" to="${ROOM}"><x xmlns="http://jabber.org/protocol/muc#user"><invite to="bob@localhost"/></x></message>`);
    expect(invitedRoom(own, ME)).toBeNull();
    const error = x(`<message type="error" from="${ROOM}"><x xmlns="http://jabber.org/protocol/muc#user"><invite/></x></message>`);
    expect(invitedRoom(error, ME)).toBeNull();
    expect(invitedRoom(x(`<message from="bob@localhost"><body>hi</body></message>`), ME)).toBeNull();
  });
});

describe("room list record (private storage)", () => {
  it("round-trips rooms and the scan position; ignores malformed entries", () => {
    const element = buildRoomList({ rooms: new Set(["b@muc.localhost", "a@muc.localhost"]), scanned: "id9" });
    expect(element.toString()).toBe(
      '<rooms xmlns="urn:xmpp-graphql:muc-light:rooms:0" scanned="id9"><scanned id="id9"/><room jid="a@muc.localhost"/><room jid="b@muc.localhost"/></rooms>',
    );
    expect(parseRoomList(element)).toEqual({ rooms: new Set(["a@muc.localhost", "b@muc.localhost"]), scanned: "id9" });
    expect(parseRoomList(x('<rooms xmlns="urn:xmpp-graphql:muc-light:rooms:0"><room jid="r@s/x"/><room/><room jid="nodomain"/></rooms>'))).toEqual({ rooms: new Set(), scanned: null });
    expect(parseRoomList(null)).toEqual({ rooms: new Set(), scanned: null });
    // Prosody stores a childless element as nothing: the position of a user in no room needs its child.
    const noRooms = buildRoomList({ rooms: new Set(), scanned: "id3" });
    expect(noRooms.children).toHaveLength(1);
    expect(parseRoomList(x('<rooms xmlns="urn:xmpp-graphql:muc-light:rooms:0"><scanned id="id3"/></rooms>'))).toEqual({ rooms: new Set(), scanned: "id3" });
  });
});

describe("error mapping", () => {
  const ctx = { room: ROOM };
  it("a missing room, then a refusal of a non-member, in MongooseIM's codes", () => {
    expect(toApiError(new StanzaError("item-not-found", "cancel", undefined), MUC_LIGHT_ERRORS.membership, ctx)).toMatchObject({ code: "room_not_found", message: "Room not found", context: ctx });
    expect(toApiError(new StanzaError("forbidden", "auth", undefined), MUC_LIGHT_ERRORS.membership, ctx)).toMatchObject({ code: "not_room_member", message: "Given user does not occupy this room" });
    expect(toApiError(new StanzaError("not-allowed", "cancel", undefined), MUC_LIGHT_ERRORS.deleteRoom, ctx)).toMatchObject({ code: "not_allowed", message: "Given user cannot delete this room" });
    expect(toApiError(new XmppTimeoutError(5), MUC_LIGHT_ERRORS.deleteRoom, ctx).code).toBe("timeout");
    expect(isRoomMissing(new StanzaError("gone", "cancel", undefined))).toBe(true);
    expect(isNotMember(new StanzaError("registration-required", "auth", undefined))).toBe(true);
    expect(toApiError(new StanzaError("service-unavailable", "cancel", undefined), MUC_LIGHT_ERRORS.leave, ctx).message).toMatch(/owner of the room must remove/);
  });
});

describe("isLightDescription", () => {
  it("tells a mapped room's description from a plain room's", () => {
    expect(isLightDescription(encodeDescription({ subject: "Owls", options: new Map([["k", "v"]]) }))).toBe(true);
    for (const plain of [null, undefined, "", "A room about owls", "{\"muclight\": 3}", "[1]"]) expect(isLightDescription(plain)).toBe(false);
  });
});

describe("roomSubjectOf", () => {
  const infoWith = (fields: Record<string, string>) => parseRoomInfo(parseDiscoInfo(parseXmlElement(
    `<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="conference" type="text" name="Owls"/>` +
    `<x xmlns="jabber:x:data" type="result"><field var="FORM_TYPE" type="hidden"><value>http://jabber.org/protocol/muc#roominfo</value></field>` +
    Object.entries(fields).map(([k, v]) => `<field var="${k}"><value>${v.replaceAll("\"", "&quot;")}</value></field>`).join("") +
    `</x></query></iq>`,
  )));

  it("takes muc#roominfo_subject, else a MUC Light room's stored subject, else null", () => {
    expect(roomSubjectOf(infoWith({ "muc#roominfo_subject": "Dusk" }))).toBe("Dusk");
    expect(roomSubjectOf(infoWith({ "muc#roominfo_description": encodeDescription({ subject: "Owls", options: new Map() }) }))).toBe("Owls");
    expect(roomSubjectOf(infoWith({ "muc#roominfo_description": "a plain room" }))).toBeNull();
    expect(roomSubjectOf(infoWith({}))).toBeNull();
  });
});
