import { describe, expect, it } from "vitest";
import { checkVcardInput } from "../../src/vcard/vcard.api.js";
import type { VcardInput } from "../../src/vcard/vcard.stanzas.js";
import { ApiError } from "../../src/errors/api-error.js";
import { StanzaError } from "../../src/xmpp/errors.js";
import { toApiError } from "../../src/errors/map-error.js";
import { VCARD_ERRORS } from "../../src/vcard/vcard.errors.js";

const BASE: VcardInput = { formattedName: "A", nameComponents: {} };

function refusal(vcard: VcardInput): { code: string; field: unknown } | undefined {
  try {
    checkVcardInput(vcard);
    return undefined;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { code: error.code, field: error.context.field };
  }
}

describe("setVcard input checks (XEP-0054 DTD choices)", () => {
  it("accepts each single variant of images, sounds and agents", () => {
    expect(refusal({
      ...BASE,
      photo: [{ type: "image/png", binValue: "AA" }, { binValue: "AA" }, { extValue: "x" }],
      logo: [{ extValue: "x" }],
      sound: [{ phonetic: "p" }, { binValue: "b" }, { extValue: "e" }],
      agent: [{ extValue: "x" }, { vcard: { ...BASE, photo: [{ extValue: "y" }] } }],
    })).toBeUndefined();
  });

  it.each([
    [{ photo: [{ extValue: "x" }, { type: "image/png", binValue: "AA", extValue: "x" }] }, "vcard.photo[1]"],
    [{ photo: [{}] }, "vcard.photo[0]"],
    [{ logo: [{ type: "image/png", extValue: "x" }] }, "vcard.logo[0]"],
    [{ logo: [{ type: "image/png" }] }, "vcard.logo[0]"],
    [{ sound: [{ phonetic: "p", extValue: "e" }] }, "vcard.sound[0]"],
    [{ sound: [{ phonetic: "p" }, {}] }, "vcard.sound[1]"],
    [{ agent: [{}] }, "vcard.agent[0]"],
    [{ agent: [{ extValue: "x", vcard: BASE }] }, "vcard.agent[0]"],
    [{ agent: [{ vcard: { ...BASE, sound: [{ binValue: "b", extValue: "e" }] } }] }, "vcard.agent[0].vcard.sound[0]"],
  ] as Array<[Partial<VcardInput>, string]>)("refuses %j at %s", (extra, field) => {
    expect(refusal({ ...BASE, ...extra })).toEqual({ code: "invalid_input", field });
  });
});

describe("vcard error mapping", () => {
  const map = (condition: string, table: keyof typeof VCARD_ERRORS) => {
    const e = toApiError(new StanzaError(condition, "cancel", undefined), VCARD_ERRORS[table], { user: "a@b" });
    return { code: e.code, message: e.message, user: e.context.user };
  };

  it("reports a missing vCard with MongooseIM's code and message", () => {
    for (const table of ["getOwn", "getLocal", "getRemote"] as const) {
      expect(map("item-not-found", table)).toEqual({ code: "vcard_not_found", message: "Vcard for user not found", user: "a@b" });
    }
  });

  it("reports an unreachable domain as user_not_found, only for users on other domains", () => {
    for (const condition of ["remote-server-not-found", "remote-server-timeout", "not-allowed"]) {
      expect(map(condition, "getRemote")).toMatchObject({ code: "user_not_found", message: "User's domain does not exist" });
    }
    expect(map("not-allowed", "getLocal").code).toBe("xmpp_error");
  });

  it("reports vcard-temp missing on the caller's own server like MongooseIM's module check", () => {
    expect(map("service-unavailable", "getOwn")).toMatchObject({ code: "vcard_not_configured_error" });
    expect(map("service-unavailable", "getLocal").code).toBe("deps_not_loaded");
    expect(map("service-unavailable", "set").code).toBe("deps_not_loaded");
  });

  it("reports a storage failure as internal", () => {
    expect(map("internal-server-error", "set")).toMatchObject({ code: "internal", message: "Internal server error" });
  });
});
