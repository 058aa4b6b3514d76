import { describe, expect, it } from "vitest";
import { ROSTER_ERRORS } from "../../src/roster/roster.errors.js";
import { STANZA_ERRORS } from "../../src/stanza/stanza.errors.js";
import { StanzaError, XmppConnectionError, XmppTimeoutError } from "../../src/xmpp/errors.js";
import { toApiError } from "../../src/errors/map-error.js";
import { ApiError } from "../../src/errors/api-error.js";
import { parseStanzaError } from "../../src/xmpp/errors.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";

describe("toApiError", () => {
  it("uses the operation's table first", () => {
    const error = toApiError(new StanzaError("item-not-found", "cancel", undefined), ROSTER_ERRORS.remove, { contact: "bob@localhost" });
    expect(error.code).toBe("contact_not_found");
    expect(error.message).toBe("Cannot remove bob@localhost contact that does not exist");
    expect(error.context).toEqual({ contact: "bob@localhost" });
  });

  it("maps roster add refusals", () => {
    const notAllowed = toApiError(new StanzaError("not-allowed", "cancel", undefined), ROSTER_ERRORS.add, { contact: "bob@localhost" });
    expect(notAllowed.code).toBe("not_allowed");
    expect(notAllowed.message).toContain("bob@localhost");
    const missing = toApiError(new StanzaError("item-not-found", "cancel", undefined), ROSTER_ERRORS.add, { contact: "x@y" });
    expect(missing.code).toBe("user_not_exist");
    expect(missing.message).toBe("The user x@y does not exist");
    expect(toApiError(new StanzaError("forbidden", "auth", undefined), ROSTER_ERRORS.add).code).toBe("internal");
  });

  it("lets the operation's table override a generic condition", () => {
    expect(toApiError(new StanzaError("forbidden", "auth", undefined)).code).toBe("no_permissions");
    expect(toApiError(new StanzaError("forbidden", "auth", undefined), ROSTER_ERRORS.add).code).toBe("internal");
  });

  it("falls back to the generic table", () => {
    const deps = toApiError(new StanzaError("service-unavailable", "cancel", undefined), ROSTER_ERRORS.remove, { contact: "c" });
    expect(deps.code).toBe("deps_not_loaded");
    expect(deps.message).toBe("Some of the required modules are not loaded");
    expect(deps.context).toEqual({ contact: "c" });
    expect(toApiError(new StanzaError("feature-not-implemented", "cancel", undefined)).code).toBe("deps_not_loaded");
    expect(toApiError(new StanzaError("remote-server-not-found", "cancel", undefined)).code).toBe("remote_server_not_found");
    expect(toApiError(new StanzaError("remote-server-timeout", "wait", undefined)).code).toBe("remote_server_not_found");
    expect(toApiError(new StanzaError("internal-server-error", "wait", undefined), STANZA_ERRORS.archive).code).toBe("internal");
  });

  it("reports an unknown condition as xmpp_error with the condition in the context", () => {
    const error = toApiError(new StanzaError("gone", "cancel", "moved away"), ROSTER_ERRORS.list, { user: "a@b" });
    expect(error.code).toBe("xmpp_error");
    expect(error.message).toBe("The XMPP server refused the request: gone (moved away)");
    expect(error.context).toEqual({ user: "a@b", condition: "gone" });
    expect(toApiError(new StanzaError("conflict", "cancel", undefined)).message).toBe("The XMPP server refused the request: conflict");
  });

  it("maps timeouts and lost connections", () => {
    const timeout = toApiError(new XmppTimeoutError(1500), {}, { user: "a@b" });
    expect(timeout.code).toBe("timeout");
    expect(timeout.message).toContain("1500 ms");
    expect(timeout.context).toEqual({ user: "a@b" });
    const down = toApiError(new XmppConnectionError("socket closed"));
    expect(down.code).toBe("xmpp_unavailable");
    expect(down.message).toContain("socket closed");
  });

  it("passes an ApiError through unchanged", () => {
    const original = new ApiError("contact_not_found", "nope", { contact: "c" });
    expect(toApiError(original, ROSTER_ERRORS.remove, { other: 1 })).toBe(original);
  });

  it("rethrows unexpected errors", () => {
    const bug = new TypeError("undefined is not a function");
    expect(() => toApiError(bug)).toThrow(bug);
    expect(() => toApiError("string")).toThrow();
  });
});

describe("parseStanzaError", () => {
  const NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

  it("reads condition, type and text", () => {
    const error = parseStanzaError(parseXmlElement(
      `<iq type='error' id='1'><query xmlns='jabber:iq:roster'/><error type='modify'>` +
        `<bad-request xmlns='${NS}'/><text xmlns='${NS}'>no such thing</text></error></iq>`,
    ));
    expect(error).toBeInstanceOf(StanzaError);
    expect(error.condition).toBe("bad-request");
    expect(error.type).toBe("modify");
    expect(error.text).toBe("no such thing");
    expect(error.message).toBe("bad-request: no such thing");
  });

  it("ignores children outside the stanzas namespace", () => {
    const error = parseStanzaError(parseXmlElement(
      `<message type='error'><error type='cancel'><app-specific xmlns='urn:example'/><item-not-found xmlns='${NS}'/></error></message>`,
    ));
    expect(error.condition).toBe("item-not-found");
    expect(error.text).toBeUndefined();
    expect(error.message).toBe("item-not-found");
  });

  it("gives undefined-condition (type cancel) without an error child", () => {
    const error = parseStanzaError(parseXmlElement("<iq type='error' id='1'/>"));
    expect(error.condition).toBe("undefined-condition");
    expect(error.type).toBe("cancel");
    expect(error.text).toBeUndefined();
  });

  it("gives undefined-condition for an error child without a defined condition", () => {
    const error = parseStanzaError(parseXmlElement("<iq type='error'><error type='wait'><foo/></error></iq>"));
    expect(error.condition).toBe("undefined-condition");
    expect(error.type).toBe("wait");
  });
});
