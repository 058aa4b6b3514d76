import { describe, expect, it } from "vitest";
import { MUC_ERRORS, configNotApplied, mucServerNotFound, toMucError, unsupportedConfig } from "../../src/errors/muc-errors.js";
import { StanzaError, XmppTimeoutError } from "../../src/errors/xmpp-errors.js";
import { ApiError } from "../../src/errors/api-error.js";

const room = "lounge@muc.localhost";

describe("toMucError", () => {
  it("uses MongooseIM's messages, with the refused value in role and affiliation messages", () => {
    expect(toMucError(new StanzaError("not-allowed", "cancel", undefined), MUC_ERRORS.setRole, { room, value: "visitor" })).toMatchObject({
      code: "not_allowed", message: "Given user does not have permission to set the visitor role", context: { room },
    });
    expect(toMucError(new StanzaError("forbidden", "auth", undefined), MUC_ERRORS.setAffiliation, { room, value: "admin" })).toMatchObject({
      code: "not_allowed", message: "Given user does not have permission to set the admin affiliation",
    });
    expect(toMucError(new StanzaError("item-not-found", "cancel", undefined), MUC_ERRORS.deleteRoom, { room })).toMatchObject({
      code: "room_not_found", message: "Cannot remove non-existent room",
    });
  });

  it("passes the room's own text for cannot_modify, with a fallback", () => {
    expect(toMucError(new StanzaError("not-acceptable", "modify", "No such role"), MUC_ERRORS.setRole, { room }).message).toBe("No such role");
    expect(toMucError(new StanzaError("conflict", "cancel", undefined), MUC_ERRORS.setAffiliation, { room })).toMatchObject({
      code: "cannot_modify", message: "The room must keep at least one owner",
    });
  });

  it("maps join refusals to stable codes and keeps internal context keys out of extensions", () => {
    const conflict = toMucError(new StanzaError("conflict", "cancel", undefined), MUC_ERRORS.join, { room, nick: "ali" });
    expect(conflict).toMatchObject({ code: "nick_conflict", message: "The nickname ali is already in use in this room", context: { room } });
    expect(conflict.context).not.toHaveProperty("nick");
    expect(toMucError(new StanzaError("not-authorized", "auth", undefined), MUC_ERRORS.join, { room }).code).toBe("wrong_password");
    expect(toMucError(new StanzaError("registration-required", "auth", undefined), MUC_ERRORS.join, { room }).code).toBe("not_allowed");
  });

  it("falls back to the generic mapping for other conditions and failures", () => {
    expect(toMucError(new StanzaError("undefined-condition", "cancel", undefined), MUC_ERRORS.setRole, { room })).toMatchObject({
      code: "xmpp_error", context: { room, condition: "undefined-condition" },
    });
    expect(toMucError(new XmppTimeoutError(10), MUC_ERRORS.join, { room }).code).toBe("timeout");
    const own = new ApiError("x", "y");
    expect(toMucError(own, MUC_ERRORS.join, {})).toBe(own);
  });
});

describe("gateway errors", () => {
  it("builds muc_server_not_found and configuration refusals", () => {
    expect(mucServerNotFound("localhost")).toMatchObject({ code: "muc_server_not_found", message: "MUC server not found", context: { mucDomain: "localhost" } });
    expect(mucServerNotFound("localhost", "room", "r@localhost").context).toEqual({ room: "r@localhost" });
    expect(unsupportedConfig(room, ["publicList"])).toMatchObject({ code: "config_field_not_supported", context: { room, fields: ["publicList"] } });
    expect(configNotApplied(room, ["allowUserInvites"])).toMatchObject({ code: "cannot_modify", context: { fields: ["allowUserInvites"] } });
  });
});
