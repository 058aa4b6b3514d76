import { describe, expect, it } from "vitest";
import { MUC_ERRORS, configNotApplied, mucServerNotFound, MUC_CONTEXT, unsupportedConfig } from "../../src/muc/muc.errors.js";
import { StanzaError, XmppTimeoutError } from "../../src/xmpp/errors.js";
import { ApiError } from "../../src/errors/api-error.js";
import { toApiError } from "../../src/errors/map-error.js";

const room = "lounge@muc.localhost";

describe("MUC_CONTEXT", () => {
  it("uses MongooseIM's messages, with the refused value in role and affiliation messages", () => {
    expect(toApiError(new StanzaError("not-allowed", "cancel", undefined), MUC_ERRORS.setRole, { room, value: "visitor" }, MUC_CONTEXT)).toMatchObject({
      code: "not_allowed", message: "Given user does not have permission to set the visitor role", context: { room },
    });
    expect(toApiError(new StanzaError("forbidden", "auth", undefined), MUC_ERRORS.setAffiliation, { room, value: "admin" }, MUC_CONTEXT)).toMatchObject({
      code: "not_allowed", message: "Given user does not have permission to set the admin affiliation",
    });
    expect(toApiError(new StanzaError("item-not-found", "cancel", undefined), MUC_ERRORS.deleteRoom, { room }, MUC_CONTEXT)).toMatchObject({
      code: "room_not_found", message: "Cannot remove non-existent room",
    });
  });

  it("passes the room's own text for cannot_modify, with a fallback", () => {
    expect(toApiError(new StanzaError("not-acceptable", "modify", "No such role"), MUC_ERRORS.setRole, { room }, MUC_CONTEXT).message).toBe("No such role");
    expect(toApiError(new StanzaError("conflict", "cancel", undefined), MUC_ERRORS.setAffiliation, { room }, MUC_CONTEXT)).toMatchObject({
      code: "cannot_modify", message: "The room must keep at least one owner",
    });
  });

  it("maps join refusals to stable codes and keeps internal context keys out of extensions", () => {
    const conflict = toApiError(new StanzaError("conflict", "cancel", undefined), MUC_ERRORS.join, { room, nick: "ali" }, MUC_CONTEXT);
    expect(conflict).toMatchObject({ code: "nick_conflict", message: "The nickname ali is already in use in this room", context: { room } });
    expect(conflict.context).not.toHaveProperty("nick");
    expect(toApiError(new StanzaError("not-authorized", "auth", undefined), MUC_ERRORS.join, { room }, MUC_CONTEXT).code).toBe("wrong_password");
    expect(toApiError(new StanzaError("registration-required", "auth", undefined), MUC_ERRORS.join, { room }, MUC_CONTEXT).code).toBe("not_allowed");
  });

  it("falls back to the generic mapping for other conditions and failures", () => {
    expect(toApiError(new StanzaError("undefined-condition", "cancel", undefined), MUC_ERRORS.setRole, { room }, MUC_CONTEXT)).toMatchObject({
      code: "xmpp_error", context: { room, condition: "undefined-condition" },
    });
    expect(toApiError(new XmppTimeoutError(10), MUC_ERRORS.join, { room }, MUC_CONTEXT).code).toBe("timeout");
    const own = new ApiError("x", "y");
    expect(toApiError(own, MUC_ERRORS.join, {}, MUC_CONTEXT)).toBe(own);
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
