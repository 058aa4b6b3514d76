import { describe, expect, it } from "vitest";
import { planConfigChange, readRoomConfig, unappliedChanges } from "../../src/muc/muc.config.js";
import { parseConfigForm, parseRoomInfo } from "../../src/muc/muc.stanzas.js";
import { parseDiscoInfo } from "../../src/xmpp/disco.js";
import type { DataForm } from "../../src/xmpp/forms.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

type Field = [name: string, type: string, values: string[]];

function form(fields: Field[]): DataForm {
  const body = fields
    .map(([name, type, values]) => `<field var="${name}" type="${type}">${values.map((v) => `<value>${v}</value>`).join("")}</field>`)
    .join("");
  return parseConfigForm(parseXmlElement(
    `<iq type="result"><query xmlns="http://jabber.org/protocol/muc#owner"><x type="form" xmlns="jabber:x:data">` +
      `<field var="FORM_TYPE" type="hidden"><value>http://jabber.org/protocol/muc#roomconfig</value></field>${body}</x></query></iq>`,
  ))!;
}

function info(features: string[], fields: Array<[string, string]> = []) {
  return parseRoomInfo(parseDiscoInfo(parseXmlElement(
    `<iq type="result"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="conference" type="text"/>` +
      features.map((f) => `<feature var="${f}"/>`).join("") +
      `<x type="result" xmlns="jabber:x:data"><field var="FORM_TYPE" type="hidden"><value>http://jabber.org/protocol/muc#roominfo</value></field>` +
      fields.map(([n, v]) => `<field var="${n}"><value>${v}</value></field>`).join("") +
      `</x></query></iq>`,
  )));
}

// Prosody 0.12's form and disco#info for a fresh public room (as the sandbox answers).
const PROSODY_FORM: Field[] = [
  ["muc#roomconfig_roomname", "text-single", []],
  ["muc#roomconfig_roomdesc", "text-single", [""]],
  ["muc#roomconfig_persistentroom", "boolean", []],
  ["muc#roomconfig_publicroom", "boolean", ["1"]],
  ["muc#roomconfig_roomsecret", "text-private", [""]],
  ["muc#roomconfig_membersonly", "boolean", []],
  ["{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites", "boolean", []],
  ["muc#roomconfig_changesubject", "boolean", []],
  ["muc#roomconfig_moderatedroom", "boolean", []],
  ["muc#roomconfig_whois", "list-single", ["moderators"]],
  ["muc#roomconfig_enablearchiving", "boolean", ["1"]],
];
const PROSODY_INFO = info(["muc_semianonymous", "muc_unmoderated", "muc_temporary", "muc_open", "muc_public", "muc_unsecured"], [
  ["muc#roomconfig_allowinvites", "1"],
]);

// ejabberd 23.01's form for a fresh room with the sandbox's default_room_options (mam, public).
const EJABBERD_FORM: Field[] = [
  ["muc#roomconfig_roomname", "text-single", []],
  ["muc#roomconfig_roomdesc", "text-single", []],
  ["muc#roomconfig_lang", "text-single", ["en"]],
  ["muc#roomconfig_persistentroom", "boolean", ["0"]],
  ["muc#roomconfig_publicroom", "boolean", ["1"]],
  ["public_list", "boolean", ["1"]],
  ["muc#roomconfig_passwordprotectedroom", "boolean", ["0"]],
  ["muc#roomconfig_roomsecret", "text-private", []],
  ["muc#roomconfig_maxusers", "list-single", ["200"]],
  ["muc#roomconfig_whois", "list-single", ["moderators"]],
  ["muc#roomconfig_presencebroadcast", "list-multi", ["moderator", "participant", "visitor"]],
  ["muc#roomconfig_membersonly", "boolean", ["0"]],
  ["muc#roomconfig_moderatedroom", "boolean", ["1"]],
  ["members_by_default", "boolean", ["1"]],
  ["muc#roomconfig_changesubject", "boolean", ["1"]],
  ["allow_private_messages", "boolean", ["1"]],
  ["allow_private_messages_from_visitors", "list-single", ["anyone"]],
  ["allow_query_users", "boolean", ["1"]],
  ["muc#roomconfig_allowinvites", "boolean", ["0"]],
  ["allow_visitor_status", "boolean", ["1"]],
  ["allow_visitor_nickchange", "boolean", ["1"]],
  ["allow_voice_requests", "boolean", ["1"]],
  ["allow_subscription", "boolean", ["0"]],
  ["voice_request_min_interval", "text-single", ["1800"]],
  ["enable_hats", "boolean", ["0"]],
  ["mam", "boolean", ["1"]],
];

// MongooseIM's form (mod_muc_room:get_config/2) for a room with its default configuration.
const MONGOOSE_FORM: Field[] = [
  ["muc#roomconfig_roomname", "text-single", ["Room"]],
  ["muc#roomconfig_roomdesc", "text-single", ["About"]],
  ["muc#roomconfig_persistentroom", "boolean", ["0"]],
  ["muc#roomconfig_publicroom", "boolean", ["1"]],
  ["public_list", "boolean", ["1"]],
  ["muc#roomconfig_passwordprotectedroom", "boolean", ["0"]],
  ["muc#roomconfig_roomsecret", "text-private", [""]],
  ["muc#roomconfig_getmemberlist", "list-multi", ["moderator", "participant", "visitor"]],
  ["muc#roomconfig_maxusers", "list-single", ["200"]],
  ["muc#roomconfig_whois", "list-single", ["anyone"]],
  ["muc#roomconfig_membersonly", "boolean", ["0"]],
  ["muc#roomconfig_moderatedroom", "boolean", ["1"]],
  ["members_by_default", "boolean", ["1"]],
  ["muc#roomconfig_changesubject", "boolean", ["1"]],
  ["allow_private_messages", "boolean", ["1"]],
  ["allow_query_users", "boolean", ["1"]],
  ["muc#roomconfig_allowinvites", "boolean", ["0"]],
  ["muc#roomconfig_allowmultisessions", "boolean", ["0"]],
  ["muc#roomconfig_allowvisitorstatus", "boolean", ["1"]],
  ["muc#roomconfig_allowvisitornickchange", "boolean", ["1"]],
];

describe("readRoomConfig", () => {
  it("reads Prosody: form fields, then disco#info, then derivations and defaults", () => {
    const { config, origins } = readRoomConfig(form(PROSODY_FORM), PROSODY_INFO);
    expect(config).toEqual({
      title: "", description: "", allowChangeSubject: false, allowQueryUsers: true, allowPrivateMessages: true,
      allowVisitorStatus: true, allowVisitorNickchange: true, public: true, publicList: false, persistent: false, moderated: false,
      membersByDefault: true, membersOnly: false, allowUserInvites: true, allowMultipleSession: true, passwordProtected: false,
      password: "", anonymous: true, mayGetMemberList: [], maxUsers: null, logging: true,
    });
    expect(origins).toMatchObject({ title: "form", allowUserInvites: "info", passwordProtected: "info", allowQueryUsers: "fallback", logging: "form" });
  });

  it("reads every field of MongooseIM's own form", () => {
    const { config, origins } = readRoomConfig(form(MONGOOSE_FORM), null);
    expect(config).toEqual({
      title: "Room", description: "About", allowChangeSubject: true, allowQueryUsers: true, allowPrivateMessages: true,
      allowVisitorStatus: true, allowVisitorNickchange: true, public: true, publicList: true, persistent: false, moderated: true,
      membersByDefault: true, membersOnly: false, allowUserInvites: false, allowMultipleSession: false, passwordProtected: false,
      password: "", anonymous: false, mayGetMemberList: ["moderator", "participant", "visitor"], maxUsers: 200, logging: false,
    });
    expect(Object.entries(origins).filter(([, o]) => o !== "form").map(([k]) => k)).toEqual(["logging"]);
  });

  it("reads ejabberd's form, with its own names for visitor options and room archiving: MongooseIM's defaults", () => {
    const { config, origins } = readRoomConfig(form(EJABBERD_FORM), null);
    expect(config).toEqual({
      title: "", description: "", allowChangeSubject: true, allowQueryUsers: true, allowPrivateMessages: true,
      allowVisitorStatus: true, allowVisitorNickchange: true, public: true, publicList: true, persistent: false, moderated: true,
      membersByDefault: true, membersOnly: false, allowUserInvites: false, allowMultipleSession: true, passwordProtected: false,
      password: "", anonymous: true, mayGetMemberList: [], maxUsers: 200, logging: true,
    });
    expect(Object.entries(origins).filter(([, o]) => o !== "form").map(([k]) => k)).toEqual(["allowMultipleSession", "mayGetMemberList"]);
    const plan = planConfigChange(form(EJABBERD_FORM), config, { allowVisitorStatus: false, logging: false, allowMultipleSession: false });
    expect(plan.values).toEqual({ allow_visitor_status: ["0"], mam: ["0"] });
    expect(plan.unsupported).toEqual(["allowMultipleSession"]);
  });

  it("derives membersByDefault from moderation and passwordProtected from the password when nothing says", () => {
    const { config } = readRoomConfig(form([["muc#roomconfig_moderatedroom", "boolean", ["1"]], ["muc#roomconfig_roomsecret", "text-private", ["pw"]]]), null);
    expect(config).toMatchObject({ moderated: true, membersByDefault: false, password: "pw", passwordProtected: true });
  });

  it("reads allowpm lists, maxusers 'none' and logging", () => {
    const { config } = readRoomConfig(form([
      ["muc#roomconfig_allowpm", "list-single", ["none"]],
      ["muc#roomconfig_maxusers", "list-single", ["none"]],
      ["muc#roomconfig_enablelogging", "boolean", ["true"]],
    ]), null);
    expect(config).toMatchObject({ allowPrivateMessages: false, maxUsers: null, logging: true });
  });
});

describe("planConfigChange", () => {
  const prosody = () => {
    const f = form(PROSODY_FORM);
    return { f, current: readRoomConfig(f, PROSODY_INFO).config };
  };

  it("writes only the fields that change, in the form's encoding", () => {
    const { f, current } = prosody();
    const plan = planConfigChange(f, current, { title: "Lounge", anonymous: false, persistent: true, public: true, moderated: null });
    expect(plan.unsupported).toEqual([]);
    expect(plan.values).toEqual({
      "muc#roomconfig_roomname": ["Lounge"],
      "muc#roomconfig_whois": ["anyone"],
      "muc#roomconfig_persistentroom": ["1"],
    });
    expect(plan.expected).toMatchObject({ title: "Lounge", anonymous: false, persistent: true });
  });

  it("reports settings the form cannot carry instead of dropping them, and accepts values the room already has", () => {
    const { f, current } = prosody();
    const plan = planConfigChange(f, current, { allowQueryUsers: false, publicList: true, maxUsers: 10, allowPrivateMessages: true, title: "x" });
    expect(plan.unsupported).toEqual(["allowQueryUsers", "publicList", "maxUsers"]);
    expect(planConfigChange(f, current, { allowQueryUsers: true, mayGetMemberList: [] }).unsupported).toEqual([]);
  });

  it("protects a room by its password alone when the form has no passwordprotectedroom field", () => {
    const { f, current } = prosody();
    expect(planConfigChange(f, current, { passwordProtected: true, password: "pw" })).toMatchObject({
      values: { "muc#roomconfig_roomsecret": ["pw"] }, unsupported: [],
    });
    expect(planConfigChange(f, current, { passwordProtected: true }).unsupported).toEqual(["passwordProtected"]);
    const locked = readRoomConfig(form(PROSODY_FORM.map((x) => (x[0] === "muc#roomconfig_roomsecret" ? [x[0], x[1], ["pw"]] : x)) as Field[]), null).config;
    expect(planConfigChange(f, locked, { passwordProtected: false })).toMatchObject({ values: { "muc#roomconfig_roomsecret": [""] }, unsupported: [] });
  });

  it("keeps membersByDefault consistent with moderation on forms without it", () => {
    const { f, current } = prosody();
    expect(planConfigChange(f, current, { moderated: true, membersByDefault: false }).unsupported).toEqual([]);
    expect(planConfigChange(f, current, { membersByDefault: false }).unsupported).toEqual(["membersByDefault"]);
  });

  it("writes MongooseIM's own field names and list values", () => {
    const f = form(MONGOOSE_FORM);
    const current = readRoomConfig(f, null).config;
    const plan = planConfigChange(f, current, { publicList: false, mayGetMemberList: ["moderator"], maxUsers: 50, passwordProtected: true, password: "pw" });
    expect(plan).toMatchObject({
      unsupported: [],
      values: {
        public_list: ["0"],
        "muc#roomconfig_getmemberlist": ["moderator"],
        "muc#roomconfig_maxusers": ["50"],
        "muc#roomconfig_passwordprotectedroom": ["1"],
        "muc#roomconfig_roomsecret": ["pw"],
      },
    });
  });
});

describe("unappliedChanges", () => {
  it("lists requested settings the room reports differently, ignoring list order", () => {
    const { config } = readRoomConfig(form(MONGOOSE_FORM), null);
    expect(unappliedChanges(config, { title: "Room", mayGetMemberList: ["visitor", "moderator", "participant"], persistent: null })).toEqual([]);
    expect(unappliedChanges(config, { title: "Other", allowUserInvites: true })).toEqual(["title", "allowUserInvites"]);
  });
});
