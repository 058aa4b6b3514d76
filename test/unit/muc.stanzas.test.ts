import { describe, expect, it } from "vitest";
import {
  NS_MUC_ROOMCONFIG, buildAdminListGet, buildAffiliationChange, buildConfigFormGet, buildConfigSubmit, buildDestroyRoom,
  buildGroupchatMessage, buildInstantRoomSubmit, buildJoinPresence, buildLeavePresence,
  buildMediatedInvite, buildNickChangePresence, buildPrivateMessage, buildRoleChange, isMucEntity,
  occupantJid, parseAdminItems, parseConfigForm,
  parseMediatedInvite, parseMessageError, parseOccupantPresence, parsePresenceError, parseRoomInfo,
  splitOccupantJid,
} from "../../src/muc/muc.stanzas.js";
import { buildDiscoInfoGet, buildDiscoItemsGet, parseDiscoInfo, parseDiscoItems } from "../../src/xmpp/disco.js";
import { parseDataForm, parseFormBoolean } from "../../src/xmpp/forms.js";
import { buildArchiveQuery, parseArchiveResult } from "../../src/xmpp/mam.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

const x = parseXmlElement;
const ROOM = "lounge@muc.localhost";

describe("occupant addresses", () => {
  it("joins and splits room@service/nick, lower-casing only the room", () => {
    expect(occupantJid(ROOM, "Ali")).toBe("lounge@muc.localhost/Ali");
    expect(splitOccupantJid("Lounge@MUC.localhost/Ali/x")).toEqual({ room: "lounge@muc.localhost", nick: "Ali/x" });
    expect(splitOccupantJid(ROOM)).toEqual({ room: ROOM, nick: "" });
  });
});

describe("presence builders", () => {
  it("builds a join with password and history limit (XEP-0045 §7.2)", () => {
    expect(buildJoinPresence(ROOM, "ali", { password: "pw", maxStanzas: 0, id: "j1" }).toString()).toBe(
      '<presence to="lounge@muc.localhost/ali" id="j1"><x xmlns="http://jabber.org/protocol/muc">' +
        '<history maxstanzas="0"/><password>pw</password></x></presence>',
    );
    expect(buildJoinPresence(ROOM, "ali").toString()).toBe(
      '<presence to="lounge@muc.localhost/ali"><x xmlns="http://jabber.org/protocol/muc"/></presence>',
    );
  });

  it("builds a nick change and an exit", () => {
    expect(buildNickChangePresence(ROOM, "bob").toString()).toBe('<presence to="lounge@muc.localhost/bob"/>');
    expect(buildLeavePresence(ROOM, "ali", "bye").toString()).toBe(
      '<presence to="lounge@muc.localhost/ali" type="unavailable"><status>bye</status></presence>',
    );
  });
});

describe("parseOccupantPresence", () => {
  it("reads our own presence on creating a room", () => {
    const p = parseOccupantPresence(x(
      `<presence from="${ROOM}/ali" to="a@localhost/r"><x xmlns="http://jabber.org/protocol/muc#user"><status code="201"/>` +
        `<item affiliation="owner" role="moderator" jid="a@localhost/r"/><status code="110"/></x></presence>`,
    ));
    expect(p).toMatchObject({ room: ROOM, nick: "ali", available: true, role: "moderator", affiliation: "owner", jid: "a@localhost/r", isSelf: true, newNick: null, destroyed: null });
    expect([...p!.statusCodes].sort()).toEqual([110, 201]);
  });

  it("reads a kick with its reason, a nick change, and a destruction", () => {
    const kick = parseOccupantPresence(x(
      `<presence type="unavailable" from="${ROOM}/bob"><x xmlns="http://jabber.org/protocol/muc#user">` +
        `<item affiliation="none" role="none"><reason>too loud</reason></item><status code="307"/></x></presence>`,
    ));
    expect(kick).toMatchObject({ available: false, role: "none", reason: "too loud", isSelf: false, jid: null });
    expect(kick!.statusCodes.has(307)).toBe(true);

    const rename = parseOccupantPresence(x(
      `<presence type="unavailable" from="${ROOM}/bob"><x xmlns="http://jabber.org/protocol/muc#user">` +
        `<item nick="robert" role="participant" affiliation="none"/><status code="303"/><status code="110"/></x></presence>`,
    ));
    expect(rename).toMatchObject({ newNick: "robert", isSelf: true });

    const destroyed = parseOccupantPresence(x(
      `<presence type="unavailable" from="${ROOM}/bob"><x xmlns="http://jabber.org/protocol/muc#user">` +
        `<item role="none" affiliation="none"/><destroy jid="other@muc.localhost"><reason>closed</reason></destroy></x></presence>`,
    ));
    expect(destroyed?.destroyed).toEqual({ reason: "closed", alternate: "other@muc.localhost" });
  });

  it("ignores presences that are not occupant presences, and unknown roles", () => {
    expect(parseOccupantPresence(x(`<presence from="${ROOM}/ali"/>`))).toBeNull();
    expect(parseOccupantPresence(x(`<presence from="${ROOM}"><x xmlns="http://jabber.org/protocol/muc#user"/></presence>`))).toBeNull();
    expect(parseOccupantPresence(x(`<presence type="subscribe" from="${ROOM}/a"><x xmlns="http://jabber.org/protocol/muc#user"/></presence>`))).toBeNull();
    expect(parseOccupantPresence(x(`<message from="${ROOM}/a"><x xmlns="http://jabber.org/protocol/muc#user"/></message>`))).toBeNull();
    const odd = parseOccupantPresence(x(`<presence from="${ROOM}/a"><x xmlns="http://jabber.org/protocol/muc#user"><item role="king" affiliation="god"/><status code="x"/></x></presence>`));
    expect(odd).toMatchObject({ role: null, affiliation: null });
    expect(odd!.statusCodes.size).toBe(0);
  });

  it("reads presence and message errors with their condition and text", () => {
    const error = parsePresenceError(x(
      `<presence type="error" from="${ROOM}/ali"><error type="auth"><not-authorized xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/>` +
        `<text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">Password required</text></error></presence>`,
    ));
    expect(error).toMatchObject({ condition: "not-authorized", type: "auth", text: "Password required" });
    expect(parsePresenceError(x(`<presence from="${ROOM}/ali"/>`))).toBeNull();
    expect(parseMessageError(x(`<message type="error" from="${ROOM}"><error type="cancel"><not-acceptable xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`))?.condition).toBe("not-acceptable");
    expect(parseMessageError(x(`<message type="groupchat" from="${ROOM}"/>`))).toBeNull();
  });
});

describe("messages and invitations", () => {
  it("builds groupchat and private messages", () => {
    expect(buildGroupchatMessage(ROOM, "hi <all>", "m1").toString()).toBe(
      '<message to="lounge@muc.localhost" type="groupchat" id="m1"><body>hi &lt;all&gt;</body></message>',
    );
    expect(buildPrivateMessage(ROOM, "bob", "psst", "m2").toString()).toBe(
      '<message to="lounge@muc.localhost/bob" type="chat" id="m2"><body>psst</body><x xmlns="http://jabber.org/protocol/muc#user"/></message>',
    );
  });

  it("builds a mediated invitation and reads one as forwarded by the room", () => {
    expect(buildMediatedInvite(ROOM, "bob@localhost", "join us", "i1").toString()).toBe(
      '<message to="lounge@muc.localhost" id="i1"><x xmlns="http://jabber.org/protocol/muc#user"><invite to="bob@localhost"><reason>join us</reason></invite></x></message>',
    );
    expect(buildMediatedInvite(ROOM, "bob@localhost", null, "i2").toString()).toContain('<invite to="bob@localhost"/>');
    const invite = parseMediatedInvite(x(
      `<message from="${ROOM}" to="bob@localhost"><x xmlns="http://jabber.org/protocol/muc#user">` +
        `<invite from="ali@localhost/r"><reason>join us</reason></invite><password>pw</password></x></message>`,
    ));
    expect(invite).toEqual({ room: ROOM, from: "ali@localhost/r", reason: "join us", password: "pw" });
    expect(parseMediatedInvite(x(`<message from="${ROOM}"><body>x</body></message>`))).toBeNull();
  });
});

describe("muc#admin", () => {
  it("builds list queries and changes", () => {
    expect(buildAdminListGet(ROOM, { affiliation: "member" }).toString()).toBe(
      '<iq type="get" to="lounge@muc.localhost"><query xmlns="http://jabber.org/protocol/muc#admin"><item affiliation="member"/></query></iq>',
    );
    expect(buildRoleChange(ROOM, "bob", "none", "bye").toString()).toBe(
      '<iq type="set" to="lounge@muc.localhost"><query xmlns="http://jabber.org/protocol/muc#admin"><item nick="bob" role="none"><reason>bye</reason></item></query></iq>',
    );
    expect(buildAffiliationChange(ROOM, "bob@localhost", "outcast").toString()).toBe(
      '<iq type="set" to="lounge@muc.localhost"><query xmlns="http://jabber.org/protocol/muc#admin"><item jid="bob@localhost" affiliation="outcast"/></query></iq>',
    );
  });

  it("parses list items", () => {
    const items = parseAdminItems(x(
      `<iq type="result"><query xmlns="http://jabber.org/protocol/muc#admin"><item affiliation="owner" jid="a@localhost"/>` +
        `<item role="moderator" affiliation="owner" nick="ali" jid="a@localhost/r"/></query></iq>`,
    ));
    expect(items).toEqual([
      { jid: "a@localhost", nick: null, role: null, affiliation: "owner" },
      { jid: "a@localhost/r", nick: "ali", role: "moderator", affiliation: "owner" },
    ]);
    expect(parseAdminItems(x(`<iq type="result"/>`))).toEqual([]);
  });
});

describe("muc#owner and data forms", () => {
  it("builds form requests, submissions, the instant room and destruction", () => {
    expect(buildConfigFormGet(ROOM).toString()).toBe('<iq type="get" to="lounge@muc.localhost"><query xmlns="http://jabber.org/protocol/muc#owner"/></iq>');
    expect(buildInstantRoomSubmit(ROOM).toString()).toBe(
      '<iq type="set" to="lounge@muc.localhost"><query xmlns="http://jabber.org/protocol/muc#owner"><x xmlns="jabber:x:data" type="submit"/></query></iq>',
    );
    expect(buildConfigSubmit(ROOM, { "muc#roomconfig_roomname": ["Lounge"], "muc#roomconfig_getmemberlist": ["moderator", "participant"] }).toString()).toBe(
      '<iq type="set" to="lounge@muc.localhost"><query xmlns="http://jabber.org/protocol/muc#owner"><x xmlns="jabber:x:data" type="submit">' +
        '<field var="FORM_TYPE" type="hidden"><value>http://jabber.org/protocol/muc#roomconfig</value></field>' +
        '<field var="muc#roomconfig_roomname"><value>Lounge</value></field>' +
        '<field var="muc#roomconfig_getmemberlist"><value>moderator</value><value>participant</value></field></x></query></iq>',
    );
    expect(buildDestroyRoom(ROOM, "closing").toString()).toBe(
      '<iq type="set" to="lounge@muc.localhost"><query xmlns="http://jabber.org/protocol/muc#owner"><destroy><reason>closing</reason></destroy></query></iq>',
    );
    expect(buildDestroyRoom(ROOM, null, "new@muc.localhost").toString()).toContain('<destroy jid="new@muc.localhost"/>');
  });

  it("parses a configuration form: fields by var, multiple values, options; fixed fields skipped", () => {
    const form = parseConfigForm(x(
      `<iq type="result"><query xmlns="http://jabber.org/protocol/muc#owner"><x type="form" xmlns="jabber:x:data">` +
        `<field var="FORM_TYPE" type="hidden"><value>${NS_MUC_ROOMCONFIG}</value></field><field type="fixed"><value>Section</value></field>` +
        `<field var="muc#roomconfig_roomname" type="text-single"/>` +
        `<field var="muc#roomconfig_whois" type="list-single"><option label="M"><value>moderators</value></option><option><value>anyone</value></option><value>moderators</value></field>` +
        `<field var="muc#roomconfig_presencebroadcast" type="list-multi"><value>participant</value><value>moderator</value></field>` +
        `</x></query></iq>`,
    ));
    expect(form?.formType).toBe(NS_MUC_ROOMCONFIG);
    expect(form?.type).toBe("form");
    expect([...form!.fields.keys()]).toEqual(["FORM_TYPE", "muc#roomconfig_roomname", "muc#roomconfig_whois", "muc#roomconfig_presencebroadcast"]);
    expect(form!.fields.get("muc#roomconfig_roomname")).toEqual({ type: "text-single", values: [], options: [] });
    expect(form!.fields.get("muc#roomconfig_whois")).toEqual({ type: "list-single", values: ["moderators"], options: ["moderators", "anyone"] });
    expect(form!.fields.get("muc#roomconfig_presencebroadcast")?.values).toEqual(["participant", "moderator"]);
    expect(parseConfigForm(x(`<iq type="result"><query xmlns="http://jabber.org/protocol/muc#owner"/></iq>`))).toBeNull();
  });

  it("reads XEP-0004 booleans", () => {
    expect([parseFormBoolean("1"), parseFormBoolean("true"), parseFormBoolean("0"), parseFormBoolean("false"), parseFormBoolean("yes"), parseFormBoolean(undefined)])
      .toEqual([true, true, false, false, null, null]);
  });
});

describe("discovery", () => {
  it("builds disco#info and disco#items with and without RSM", () => {
    expect(buildDiscoInfoGet("muc.localhost").toString()).toBe('<iq type="get" to="muc.localhost"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>');
    expect(buildDiscoItemsGet("muc.localhost").toString()).toBe('<iq type="get" to="muc.localhost"><query xmlns="http://jabber.org/protocol/disco#items"/></iq>');
    expect(buildDiscoItemsGet("muc.localhost", { max: null, index: null }).toString()).not.toContain("set");
    expect(buildDiscoItemsGet("muc.localhost", { max: 10, index: 20 }).toString()).toBe(
      '<iq type="get" to="muc.localhost"><query xmlns="http://jabber.org/protocol/disco#items"><set xmlns="http://jabber.org/protocol/rsm"><max>10</max><index>20</index></set></query></iq>',
    );
  });

  it("tells a MUC service from another entity", () => {
    const service = parseDiscoInfo(x(
      `<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="conference" type="text" name="Chatrooms"/>` +
        `<feature var="http://jabber.org/protocol/muc"/></query></iq>`,
    ));
    expect(isMucEntity(service)).toBe(true);
    expect(service.identities).toEqual([{ category: "conference", type: "text", name: "Chatrooms" }]);
    const server = parseDiscoInfo(x(`<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="server" type="im"/><feature var="jabber:iq:roster"/></query></iq>`));
    expect(isMucEntity(server)).toBe(false);
  });

  it("reads a room's name, visibility and occupants from its disco#info", () => {
    const info = parseRoomInfo(parseDiscoInfo(x(
      `<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="conference" type="text" name="Lounge"/>` +
        `<feature var="muc_hidden"/><feature var="muc_persistent"/><x type="result" xmlns="jabber:x:data">` +
        `<field var="FORM_TYPE" type="hidden"><value>http://jabber.org/protocol/muc#roominfo</value></field>` +
        `<field var="muc#roominfo_occupants"><value>3</value></field></x></query></iq>`,
    )));
    expect(info).toMatchObject({ name: "Lounge", hidden: true, occupants: 3 });
    expect(info.features.has("muc_persistent")).toBe(true);
    expect(info.extended?.fields.get("muc#roominfo_occupants")?.values).toEqual(["3"]);

    const bare = parseRoomInfo(parseDiscoInfo(x(`<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="conference" type="text"/><feature var="muc_public"/></query></iq>`)));
    expect(bare).toMatchObject({ name: null, hidden: false, occupants: null, extended: null });
  });

  it("reads disco#items with and without an RSM page", () => {
    const plain = parseDiscoItems(x(
      `<iq type="result"><query xmlns="http://jabber.org/protocol/disco#items"><item jid="a@muc.localhost" name="A"/><item jid="b@muc.localhost"/><item name="no jid"/></query></iq>`,
    ));
    expect(plain).toEqual({ items: [{ jid: "a@muc.localhost", name: "A", node: null }, { jid: "b@muc.localhost", name: null, node: null }], rsm: null });
    const paged = parseDiscoItems(x(
      `<iq type="result"><query xmlns="http://jabber.org/protocol/disco#items"><item jid="c@muc.localhost"/>` +
        `<set xmlns="http://jabber.org/protocol/rsm"><first index="2">c@muc.localhost</first><last>c@muc.localhost</last><count>9</count></set></query></iq>`,
    ));
    expect(paged.rsm).toEqual({ count: 9, first: "c@muc.localhost", firstIndex: 2, last: "c@muc.localhost" });
  });

  it("reads a DataForm without FORM_TYPE", () => {
    expect(parseDataForm(x(`<x xmlns="jabber:x:data" type="result"><field var="a"><value>1</value></field></x>`)).formType).toBeNull();
  });
});

describe("room archive", () => {
  it("addresses the MAM query to the room, asking for the newest page", () => {
    const iq = buildArchiveQuery({ to: ROOM, queryId: "q1", max: 5, before: new Date("2024-01-01T00:00:00Z") });
    expect(iq.attrs).toMatchObject({ type: "set", to: ROOM });
    const query = iq.getChild("query", "urn:xmpp:mam:2");
    expect(query?.attrs.queryid).toBe("q1");
    expect(query?.getChild("set", "http://jabber.org/protocol/rsm")?.getChildText("max")).toBe("5");
    expect(query?.getChild("set", "http://jabber.org/protocol/rsm")?.getChild("before")).toBeDefined();
  });

  it("accepts results from the room only", () => {
    const result = (from: string) => x(
      `<message from="${from}" to="b@localhost/r"><result xmlns="urn:xmpp:mam:2" queryid="q1" id="a1">` +
        `<forwarded xmlns="urn:xmpp:forward:0"><delay xmlns="urn:xmpp:delay" stamp="2024-05-06T07:08:09Z"/>` +
        `<message from="${ROOM}/ali" type="groupchat"><body>hi</body></message></forwarded></result></message>`,
    );
    const record = parseArchiveResult(result("Lounge@muc.localhost"), "q1", ROOM);
    expect(record).toMatchObject({ sender: `${ROOM}/ali`, stanza_id: "a1", timestamp: new Date("2024-05-06T07:08:09Z") });
    expect(parseArchiveResult(result("evil@localhost"), "q1", ROOM)).toBeNull();
    expect(parseArchiveResult(result(ROOM), "other", ROOM)).toBeNull();
  });
});
