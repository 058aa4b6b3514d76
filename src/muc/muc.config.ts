import type { RoomInfo } from "./muc.stanzas.js";
import { parseFormBoolean, type DataForm } from "../xmpp/forms.js";

/*
 * MongooseIM's room configuration (the GraphQL MUCRoomConfig) mapped onto the XEP-0045
 * §15.5.3 muc#roomconfig form. Each setting is read from the first source that has it:
 * the owner form, then the room's disco#info (muc#roominfo fields and muc_* features,
 * XEP-0045 §6.4, §15.5.4), then a derivation or the behaviour of a room without that
 * option. It is written to the first form field the server offers; a setting no field
 * can carry is reported, never dropped.
 */

/** A room's configuration, as MongooseIM reports it. */
export interface RoomConfig {
  title: string;
  description: string;
  allowChangeSubject: boolean;
  allowQueryUsers: boolean;
  allowPrivateMessages: boolean;
  allowVisitorStatus: boolean;
  allowVisitorNickchange: boolean;
  public: boolean;
  publicList: boolean;
  persistent: boolean;
  moderated: boolean;
  membersByDefault: boolean;
  membersOnly: boolean;
  allowUserInvites: boolean;
  allowMultipleSession: boolean;
  passwordProtected: boolean;
  password: string;
  anonymous: boolean;
  mayGetMemberList: string[];
  maxUsers: number | null;
  logging: boolean;
}

export type RoomConfigKey = keyof RoomConfig;

/** Requested changes: a key absent or null keeps the current value. */
export type RoomConfigChanges = { [K in RoomConfigKey]?: RoomConfig[K] | null };

/** How one form field's values encode a setting. */
type Codec = "text" | "bool" | "whois" | "list" | "maxusers" | "allowpm";

type Source =
  | { form: string; codec: Codec }
  | { info: string; codec: Codec }
  | { feature: readonly [whenTrue: string, whenFalse: string] };

interface Rule {
  read: readonly Source[];
  /** Form fields that carry the setting, in order of preference. */
  write: ReadonlyArray<{ field: string; codec: Codec }>;
  /** The value when no source has it: derived from the rest, or a room's behaviour without the option. */
  fallback: (config: RoomConfig) => RoomConfig[RoomConfigKey];
}

const f = (field: string, codec: Codec) => ({ form: field, codec }) as const;
const w = (field: string, codec: Codec) => ({ field, codec }) as const;

/** Prosody's own name for "members may invite" in members-only rooms. */
const PROSODY_MEMBER_INVITES = "{http://prosody.im/protocol/muc}roomconfig_allowmemberinvites";

/**
 * The mapping. Standard XEP-0045 field names come first, then the names MongooseIM and
 * ejabberd use for the options XEP-0045 does not define.
 */
export const ROOM_CONFIG_RULES: { readonly [K in RoomConfigKey]: Rule } = {
  title: {
    read: [f("muc#roomconfig_roomname", "text"), { info: "muc#roomconfig_roomname", codec: "text" }],
    write: [w("muc#roomconfig_roomname", "text")],
    fallback: () => "",
  },
  description: {
    read: [f("muc#roomconfig_roomdesc", "text"), { info: "muc#roominfo_description", codec: "text" }],
    write: [w("muc#roomconfig_roomdesc", "text")],
    fallback: () => "",
  },
  allowChangeSubject: {
    // ejabberd's disco#info says muc#roominfo_changesubject, XEP-0045's muc#roominfo_subjectmod.
    read: [
      f("muc#roomconfig_changesubject", "bool"),
      { info: "muc#roominfo_subjectmod", codec: "bool" },
      { info: "muc#roominfo_changesubject", codec: "bool" },
    ],
    write: [w("muc#roomconfig_changesubject", "bool")],
    fallback: () => false,
  },
  allowQueryUsers: {
    read: [f("allow_query_users", "bool")],
    write: [w("allow_query_users", "bool")],
    // XEP-0045 §7.5 lets occupants send IQs through the room unless the service restricts it.
    fallback: () => true,
  },
  allowPrivateMessages: {
    read: [f("muc#roomconfig_allowpm", "allowpm"), f("allow_private_messages", "bool")],
    write: [w("muc#roomconfig_allowpm", "allowpm"), w("allow_private_messages", "bool")],
    fallback: () => true,
  },
  allowVisitorStatus: {
    read: [f("muc#roomconfig_allowvisitorstatus", "bool"), f("allow_visitor_status", "bool")],
    write: [w("muc#roomconfig_allowvisitorstatus", "bool"), w("allow_visitor_status", "bool")],
    fallback: () => true,
  },
  allowVisitorNickchange: {
    read: [f("muc#roomconfig_allowvisitornickchange", "bool"), f("allow_visitor_nickchange", "bool")],
    write: [w("muc#roomconfig_allowvisitornickchange", "bool"), w("allow_visitor_nickchange", "bool")],
    fallback: () => true,
  },
  public: {
    read: [f("muc#roomconfig_publicroom", "bool"), { feature: ["muc_public", "muc_hidden"] }],
    write: [w("muc#roomconfig_publicroom", "bool")],
    fallback: () => false,
  },
  publicList: {
    read: [f("public_list", "bool")],
    write: [w("public_list", "bool")],
    // Without the option, occupants are seen only from inside the room (XEP-0045 §6.5 is optional).
    fallback: () => false,
  },
  persistent: {
    read: [f("muc#roomconfig_persistentroom", "bool"), { feature: ["muc_persistent", "muc_temporary"] }],
    write: [w("muc#roomconfig_persistentroom", "bool")],
    fallback: () => false,
  },
  moderated: {
    read: [f("muc#roomconfig_moderatedroom", "bool"), { feature: ["muc_moderated", "muc_unmoderated"] }],
    write: [w("muc#roomconfig_moderatedroom", "bool")],
    fallback: () => false,
  },
  membersByDefault: {
    read: [f("members_by_default", "bool")],
    write: [w("members_by_default", "bool")],
    // XEP-0045 §5.1.1 default roles: newcomers are visitors in moderated rooms, participants otherwise.
    fallback: (c) => !c.moderated,
  },
  membersOnly: {
    read: [f("muc#roomconfig_membersonly", "bool"), { feature: ["muc_membersonly", "muc_open"] }],
    write: [w("muc#roomconfig_membersonly", "bool")],
    fallback: () => false,
  },
  allowUserInvites: {
    // Prosody's own field covers members-only rooms only; its muc#roominfo value is the effective one.
    read: [
      f("muc#roomconfig_allowinvites", "bool"),
      { info: "muc#roomconfig_allowinvites", codec: "bool" },
      f(PROSODY_MEMBER_INVITES, "bool"),
    ],
    write: [w("muc#roomconfig_allowinvites", "bool"), w(PROSODY_MEMBER_INVITES, "bool")],
    fallback: () => false,
  },
  allowMultipleSession: {
    read: [f("muc#roomconfig_allowmultisessions", "bool")],
    write: [w("muc#roomconfig_allowmultisessions", "bool")],
    fallback: () => true,
  },
  passwordProtected: {
    read: [f("muc#roomconfig_passwordprotectedroom", "bool"), { feature: ["muc_passwordprotected", "muc_unsecured"] }],
    write: [w("muc#roomconfig_passwordprotectedroom", "bool")],
    fallback: (c) => c.password !== "",
  },
  password: {
    read: [f("muc#roomconfig_roomsecret", "text")],
    write: [w("muc#roomconfig_roomsecret", "text")],
    fallback: () => "",
  },
  anonymous: {
    read: [f("muc#roomconfig_whois", "whois"), { feature: ["muc_semianonymous", "muc_nonanonymous"] }],
    write: [w("muc#roomconfig_whois", "whois")],
    fallback: () => true,
  },
  mayGetMemberList: {
    read: [f("muc#roomconfig_getmemberlist", "list")],
    write: [w("muc#roomconfig_getmemberlist", "list")],
    // Without the option, member lists go by affiliation (admins and owners, XEP-0045 §9.5), not by role.
    fallback: () => [],
  },
  maxUsers: {
    read: [f("muc#roomconfig_maxusers", "maxusers"), { info: "muc#roominfo_maxusers", codec: "maxusers" }],
    write: [w("muc#roomconfig_maxusers", "maxusers")],
    fallback: () => null,
  },
  logging: {
    // Without a room log (mod_muc_log), a room's record is its MAM archive: Prosody's
    // enablearchiving (mod_muc_mam), ejabberd's `mam` (mod_mam).
    read: [f("muc#roomconfig_enablelogging", "bool"), f("muc#roomconfig_enablearchiving", "bool"), f("mam", "bool")],
    write: [w("muc#roomconfig_enablelogging", "bool"), w("muc#roomconfig_enablearchiving", "bool"), w("mam", "bool")],
    fallback: () => false,
  },
};

/** Keys in the order the fallbacks may depend on each other (derived ones last). */
const KEYS = Object.keys(ROOM_CONFIG_RULES) as RoomConfigKey[];
const DERIVED: ReadonlySet<RoomConfigKey> = new Set(["membersByDefault", "passwordProtected"]);
const ORDERED_KEYS = [...KEYS.filter((k) => !DERIVED.has(k)), ...KEYS.filter((k) => DERIVED.has(k))];

type Value = RoomConfig[RoomConfigKey];

function decode(codec: Codec, values: readonly string[]): Value | undefined {
  const first = values[0];
  switch (codec) {
    case "text":
      return first ?? "";
    case "bool":
      return parseFormBoolean(first ?? "0") ?? undefined;
    case "whois":
      return first === "anyone" ? false : first === "moderators" ? true : undefined;
    case "list":
      return [...values];
    case "maxusers": {
      if (first === undefined || first === "" || first === "none" || first === "0") return null;
      const n = Number(first);
      return Number.isInteger(n) && n > 0 ? n : undefined;
    }
    case "allowpm":
      return first === undefined ? undefined : first !== "none";
  }
}

function encode(codec: Codec, value: Value): string[] {
  switch (codec) {
    case "text":
      return [String(value ?? "")];
    case "bool":
      return [value ? "1" : "0"];
    case "whois":
      return [value ? "moderators" : "anyone"];
    case "list":
      return Array.isArray(value) ? [...value] : [];
    case "maxusers":
      return [value == null ? "none" : String(value)];
    case "allowpm":
      return [value ? "anyone" : "none"];
  }
}

/** Where each setting of a read configuration came from: a form field, the room's info, or nowhere. */
export type ConfigOrigin = "form" | "info" | "fallback";

/**
 * The room's configuration from its owner form and disco#info. Settings neither has are
 * derived (membersByDefault, passwordProtected) or take the behaviour of a room without
 * the option; `origins` says which, so callers can tell what the server really reported.
 */
export function readRoomConfig(form: DataForm, info: RoomInfo | null): { config: RoomConfig; origins: Record<RoomConfigKey, ConfigOrigin> } {
  const config = {} as Record<RoomConfigKey, Value>;
  const origins = {} as Record<RoomConfigKey, ConfigOrigin>;
  for (const key of ORDERED_KEYS) {
    let found: Value | undefined;
    let origin: ConfigOrigin = "fallback";
    for (const source of ROOM_CONFIG_RULES[key].read) {
      if ("form" in source) {
        const field = form.fields.get(source.form);
        if (field) found = decode(source.codec, field.values);
        if (found !== undefined) origin = "form";
      } else if ("info" in source) {
        const field = info?.extended?.fields.get(source.info);
        if (field) found = decode(source.codec, field.values);
        if (found !== undefined) origin = "info";
      } else if (info) {
        const [whenTrue, whenFalse] = source.feature;
        if (info.features.has(whenTrue)) found = true;
        else if (info.features.has(whenFalse)) found = false;
        if (found !== undefined) origin = "info";
      }
      if (found !== undefined) break;
    }
    config[key] = found !== undefined ? found : ROOM_CONFIG_RULES[key].fallback(config as unknown as RoomConfig);
    origins[key] = origin;
  }
  return { config: config as unknown as RoomConfig, origins };
}

/** What to submit for a change, or which requested settings no field of the form can carry. */
export interface ConfigSubmission {
  /** Form values to submit (only fields that change); empty when nothing needs sending. */
  values: Record<string, string[]>;
  /** Requested settings the form cannot carry and whose value differs from the room's. */
  unsupported: RoomConfigKey[];
  /** The configuration the room should report once the submission is applied. */
  expected: RoomConfig;
}

function sameValue(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const left = [...a].sort();
    const right = [...b].sort();
    return left.length === right.length && left.every((v, i) => v === right[i]);
  }
  return a === b;
}

/**
 * Plans a configuration change against the server's form. A setting with a field is
 * written there; a setting without one is accepted only when the requested value is
 * what the room has anyway (derived settings are recomputed from the new values, so
 * `passwordProtected: false` on a form without that field clears the password).
 */
export function planConfigChange(form: DataForm, current: RoomConfig, changes: RoomConfigChanges): ConfigSubmission {
  const requested = (Object.keys(changes) as RoomConfigKey[]).filter((k) => k in ROOM_CONFIG_RULES && changes[k] != null);
  const target = { ...current } as Record<RoomConfigKey, Value>;
  for (const key of requested) target[key] = changes[key] as Value;

  const fieldOf = (key: RoomConfigKey) => ROOM_CONFIG_RULES[key].write.find((x) => form.fields.has(x.field));

  // A form without a passwordprotectedroom field protects a room by its password alone.
  if (changes.passwordProtected != null && !fieldOf("passwordProtected") && fieldOf("password")) {
    if (changes.passwordProtected === false) target.password = "";
  }

  const values: Record<string, string[]> = {};
  const unsupported: RoomConfigKey[] = [];
  const expected = {} as Record<RoomConfigKey, Value>;
  for (const key of ORDERED_KEYS) {
    const field = fieldOf(key);
    const rule = ROOM_CONFIG_RULES[key];
    const isDerivedHere = !field && DERIVED.has(key);
    const want = isDerivedHere && !requested.includes(key) ? rule.fallback(expected as unknown as RoomConfig) : target[key];
    if (field) {
      if (!sameValue(want, current[key])) values[field.field] = encode(field.codec, want);
      expected[key] = want;
    } else if (isDerivedHere) {
      const derived = rule.fallback(expected as unknown as RoomConfig);
      if (requested.includes(key) && !sameValue(want, derived)) unsupported.push(key);
      expected[key] = derived;
    } else {
      if (requested.includes(key) && !sameValue(want, current[key])) unsupported.push(key);
      expected[key] = current[key];
    }
  }
  return { values, unsupported, expected: expected as unknown as RoomConfig };
}

/** The requested settings whose value in `actual` differs from the request. */
export function unappliedChanges(actual: RoomConfig, changes: RoomConfigChanges): RoomConfigKey[] {
  return (Object.keys(changes) as RoomConfigKey[]).filter(
    (k) => k in ROOM_CONFIG_RULES && changes[k] != null && !sameValue(actual[k], changes[k] as Value),
  );
}
