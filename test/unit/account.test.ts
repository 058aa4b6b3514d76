import { describe, expect, it } from "vitest";
import { buildPasswordChange } from "../../src/account/account.stanzas.js";
import { NS_REGISTER } from "../../src/xmpp/namespaces.js";
import { buildUnregister } from "../../src/xmpp/register.js";
import { isXmlText } from "../../src/xmpp/xml.js";
import { ACCOUNT_ERRORS, NOT_ALLOWED_MESSAGE } from "../../src/account/account.errors.js";
import { StanzaError, XmppConnectionError } from "../../src/xmpp/errors.js";
import { toApiError } from "../../src/errors/map-error.js";

describe("account stanza builders (XEP-0077)", () => {
  it("builds a password change addressed to the server (§3.3)", () => {
    expect(buildPasswordChange("localhost", "alice", "s3cret").toString()).toBe(
      `<iq type="set" to="localhost"><query xmlns="${NS_REGISTER}"><username>alice</username><password>s3cret</password></query></iq>`,
    );
  });

  it("escapes markup in the password: it is text, not XML", () => {
    const iq = buildPasswordChange("localhost", "alice", "</password><remove/>&");
    const query = iq.getChild("query", NS_REGISTER)!;
    expect(query.getChildText("password")).toBe("</password><remove/>&");
    expect(query.getChild("remove")).toBeUndefined();
    expect(iq.toString()).toContain("&lt;/password&gt;&lt;remove/&gt;&amp;");
  });

  it("builds an account removal addressed to the server (§3.2)", () => {
    expect(buildUnregister("localhost").toString()).toBe(
      `<iq type="set" to="localhost"><query xmlns="${NS_REGISTER}"><remove/></query></iq>`,
    );
  });
});

describe("isXmlText (XML 1.0 §2.2)", () => {
  it("accepts what a stream can carry", () => {
    for (const text of ["plain", "tab\tnl\ncr\r", "ünïcødé ✓", "emoji 🦆", "\uD7FF\uE000\uFFFD", "left\u200Eright", ""]) {
      expect(isXmlText(text)).toBe(true);
    }
  });
  it("refuses control characters, U+FFFE/U+FFFF and lone surrogates", () => {
    for (const text of ["bell\u0007", "nul\u0000", "esc\u001b", "\uFFFE", "\uFFFF", "lone \uD800", "lone \uDC00 too"]) {
      expect(isXmlText(text)).toBe(false);
    }
  });
});

describe("account error mapping", () => {
  const refusals: Array<[keyof typeof ACCOUNT_ERRORS, string]> = [
    ["changePassword", "not-allowed"], // ejabberd: a password it does not accept
    ["changePassword", "forbidden"], // ejabberd: access rules
    ["changePassword", "bad-request"], // Prosody: another user's name
    ["changePassword", "internal-server-error"], // Prosody: the store failed
    ["unregister", "service-unavailable"], // Prosody: the account could not be deleted
    ["unregister", "not-allowed"],
    ["unregister", "forbidden"],
  ];
  it.each(refusals)("%s: %s is MongooseIM's not_allowed", (operation, condition) => {
    const error = toApiError(new StanzaError(condition, "cancel", "some text"), ACCOUNT_ERRORS[operation]);
    expect(error.code).toBe("not_allowed");
    expect(error.message).toBe(NOT_ALLOWED_MESSAGE);
    expect(error.context).toEqual({});
  });

  it("keeps the generic meaning of other conditions and of transport failures", () => {
    expect(toApiError(new StanzaError("feature-not-implemented", "cancel", undefined), ACCOUNT_ERRORS.changePassword).code).toBe("deps_not_loaded");
    expect(toApiError(new StanzaError("service-unavailable", "cancel", undefined), ACCOUNT_ERRORS.changePassword).code).toBe("deps_not_loaded");
    expect(toApiError(new XmppConnectionError("gone"), ACCOUNT_ERRORS.unregister).code).toBe("xmpp_unavailable");
  });
});
