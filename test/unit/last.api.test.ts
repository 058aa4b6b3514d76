import { describe, expect, it } from "vitest";
import { SET_LAST_TOLERANCE_SECONDS, setLast } from "../../src/last/last.api.js";
import { LAST_ERRORS } from "../../src/last/last.errors.js";
import { StanzaError } from "../../src/xmpp/errors.js";
import { toApiError } from "../../src/errors/map-error.js";
import { ApiError } from "../../src/errors/api-error.js";
import type { XmppSession } from "../../src/xmpp/session.js";

// setLast refuses before touching the session: nothing may be sent for another moment.
const UNTOUCHABLE = new Proxy({}, { get: () => { throw new Error("the session must not be used"); } }) as XmppSession;

describe("setLast timestamp", () => {
  it.each([-SET_LAST_TOLERANCE_SECONDS - 1, SET_LAST_TOLERANCE_SECONDS + 1, -86_400 * 365])(
    "refuses a moment %i s away from now with invalid_input",
    async (offset) => {
      const now = Date.parse("2026-05-01T12:00:00Z");
      const error = await setLast(UNTOUCHABLE, new Date(now + offset * 1000), "x", now).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ code: "invalid_input", context: { field: "timestamp" } });
    },
  );
});

describe("last-activity error mapping", () => {
  const map = (condition: string, table: keyof typeof LAST_ERRORS) =>
    toApiError(new StanzaError(condition, "cancel", undefined), LAST_ERRORS[table], { user: "alice@localhost" });

  it("maps Prosody's forbidden and ejabberd's subscription-required to one code", () => {
    for (const condition of ["forbidden", "subscription-required"]) {
      expect(map(condition, "getOther")).toMatchObject({
        code: "no_permissions",
        message: "Reading the last activity of alice@localhost needs a presence subscription to them (or the user does not exist)",
        context: { user: "alice@localhost" },
      });
    }
  });

  it("maps MongooseIM's and ejabberd's 'nothing stored' (service-unavailable) to last_not_found", () => {
    for (const table of ["getOwn", "getOther"] as const) {
      expect(map("service-unavailable", table)).toMatchObject({ code: "last_not_found", message: "Given user's last info not found" });
    }
  });

  it("maps an unreachable domain to user_does_not_exist with MongooseIM's message", () => {
    for (const condition of ["remote-server-not-found", "remote-server-timeout", "not-allowed", "item-not-found"]) {
      expect(map(condition, "getOther")).toMatchObject({ code: "user_does_not_exist", message: "User alice@localhost does not exist" });
    }
  });

  it("reports a server that keeps no records after setLast as deps_not_loaded", () => {
    expect(map("service-unavailable", "set")).toMatchObject({ code: "deps_not_loaded", message: "Some of the required modules are not loaded" });
  });
});
