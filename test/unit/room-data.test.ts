import { describe, expect, it } from "vitest";
import {
  MAX_ICON_URI_LENGTH, buildRoomAvatarSet, iconUri, iconUriProblem, parseIconUri, parseRoomAvatar, takesRoomAvatar,
} from "../../src/xmpp/room-avatar.js";
import { applyChanges, decodeDescription, encodeDescription, fullRoom } from "../../src/muc-light/muc-light.mapping.js";
import { MAX_INVITEES, checkInvitees } from "../../src/chat/start-chat.api.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";
import { ApiError } from "../../src/errors/api-error.js";
import type { XmppSession } from "../../src/xmpp/session.js";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const ROOM = "birds@muc.localhost";

describe("room icons (XEP-0486 vCard avatar, data: URIs)", () => {
  it("takes data:image/…;base64 URIs within the bound and refuses anything else", () => {
    expect(iconUriProblem(`data:image/png;base64,${PNG}`)).toBeNull();
    expect(iconUriProblem("data:image/svg+xml;base64,PHN2Zz4=")).toBeNull();
    for (const bad of ["https://example.com/a.png", "data:text/plain;base64,aGk=", "data:image/png,raw", "data:image/png;base64,", "data:image/png;base64,abc"]) {
      expect(iconUriProblem(bad), bad).toMatch(/data:image/);
    }
    const big = `data:image/png;base64,${"A".repeat(MAX_ICON_URI_LENGTH)}`;
    expect(iconUriProblem(big)).toMatch(/at most 65536/);
    expect(parseIconUri(`data:IMAGE/PNG;base64,${PNG}`)).toEqual({ type: "image/png", base64: PNG });
    expect(iconUri({ type: "image/png", base64: PNG })).toBe(`data:image/png;base64,${PNG}`);
  });

  it("sets the PHOTO on the room's vCard, or an empty vCard to remove it", () => {
    expect(buildRoomAvatarSet(ROOM, { type: "image/png", base64: "AAAA" }).toString()).toBe(
      `<iq type="set" to="${ROOM}"><vCard xmlns="vcard-temp"><PHOTO><TYPE>image/png</TYPE><BINVAL>AAAA</BINVAL></PHOTO></vCard></iq>`,
    );
    expect(buildRoomAvatarSet(ROOM, null).toString()).toBe(`<iq type="set" to="${ROOM}"><vCard xmlns="vcard-temp"/></iq>`);
  });

  it("reads the PHOTO back, guessing the type from the bytes when the server dropped it", () => {
    const reply = (photo: string) => parseXmlElement(`<iq type="result"><vCard xmlns="vcard-temp">${photo}</vCard></iq>`);
    expect(parseRoomAvatar(reply("<PHOTO><TYPE>image/gif</TYPE><BINVAL>R0lG\nODlh</BINVAL></PHOTO>"))).toEqual({ type: "image/gif", base64: "R0lGODlh" });
    expect(parseRoomAvatar(reply(`<PHOTO><BINVAL>${PNG}</BINVAL></PHOTO>`))).toEqual({ type: "image/png", base64: PNG });
    expect(parseRoomAvatar(reply("<PHOTO><BINVAL>/9j/4AAQ</BINVAL></PHOTO>"))?.type).toBe("image/jpeg");
    expect(parseRoomAvatar(reply(""))).toBeNull();
    expect(takesRoomAvatar(new Set(["vcard-temp", "http://jabber.org/protocol/muc"]))).toBe(true);
    expect(takesRoomAvatar(new Set(["http://jabber.org/protocol/muc"]))).toBe(false);
  });

  it("keeps a MUC Light room's icon in its description, apart from the options, across configuration changes", () => {
    const icon = `data:image/png;base64,${PNG}`;
    const stored = { subject: "Owls", options: new Map([["music", "jazz"]]), icon };
    const decoded = decodeDescription(encodeDescription(stored));
    expect(decoded).toEqual(stored);
    expect(applyChanges(decoded, new Map([["subject", "Bats"]]))).toEqual({ subject: "Bats", options: new Map([["music", "jazz"]]), icon });
    expect(fullRoom(ROOM, "Birds", decoded, []).options).toEqual([
      { key: "music", value: "jazz" }, { key: "roomname", value: "Birds" }, { key: "subject", value: "Owls" },
    ]);
    expect(JSON.parse(encodeDescription({ ...stored, icon: null })).muclight).toEqual({ subject: "Owls", options: { music: "jazz" } });
  });
});

describe("startChat invitees", () => {
  const session = { bareJid: "alice@localhost" } as XmppSession;
  const refusal = (given: string[]) => {
    try {
      checkInvitees(session, given);
    } catch (error) {
      return error instanceof ApiError ? { code: error.code, context: error.context, message: error.message } : error;
    }
    return null;
  };

  it("lower-cases them and refuses an empty list, the caller, duplicates and too many, naming the field", () => {
    expect(checkInvitees(session, ["Bob@LocalHost", "carol@localhost"])).toEqual(["bob@localhost", "carol@localhost"]);
    expect(refusal([])).toMatchObject({ code: "invalid_input", context: { field: "invitees" } });
    expect(refusal(["bob@localhost", "ALICE@localhost"])).toMatchObject({ code: "invalid_input", message: "`invitees` must not include the caller" });
    expect(refusal(["bob@localhost", "BOB@localhost"])).toMatchObject({ code: "invalid_input", message: "`invitees` names bob@localhost more than once" });
    expect(refusal(Array.from({ length: MAX_INVITEES + 1 }, (_, i) => `u${i}@localhost`))).toMatchObject({ code: "invalid_input", context: { field: "invitees" } });
    expect(refusal(Array.from({ length: MAX_INVITEES }, (_, i) => `u${i}@localhost`))).toBeNull();
  });
});
