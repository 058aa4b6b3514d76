import { describe, expect, it } from "vitest";
import { PasswordPreparationError, preparePassword } from "../../src/xmpp/saslprep.js";
import { deriveScramKeys } from "../../src/xmpp/scram.js";

// RFC 4013 §3, the examples table (# input → output).
describe("preparePassword (SASLprep, RFC 4013)", () => {
  it("maps SOFT HYPHEN to nothing (example 1)", () => {
    expect(preparePassword("I\u00ADX")).toBe("IX");
  });

  it("leaves plain ASCII alone and keeps case (examples 2 and 3)", () => {
    expect(preparePassword("user")).toBe("user");
    expect(preparePassword("USER")).toBe("USER");
  });

  it("applies NFKC (examples 4 and 5)", () => {
    expect(preparePassword("\u00AA")).toBe("a");
    expect(preparePassword("\u2168")).toBe("IX");
  });

  it("prohibits control characters (example 6)", () => {
    expect(() => preparePassword("\u0007")).toThrow(PasswordPreparationError);
  });

  it("refuses a string that breaks the bidi rule (example 7)", () => {
    expect(() => preparePassword("\u0627\u0031")).toThrow(PasswordPreparationError);
  });

  it("maps non-ASCII spaces to SPACE and zero-width characters to nothing (tables C.1.2, B.1)", () => {
    expect(preparePassword("a\u00A0b\u2003c")).toBe("a b c");
    expect(preparePassword("pass\u2060word\uFEFF")).toBe("password");
  });

  it("derives the same SCRAM keys for a password and its prepared form", async () => {
    const salt = Buffer.from("salt").toString("base64");
    const raw = await deriveScramKeys("sha256", "I\u00ADX\u00A0\u2168", salt, 4096);
    const prepared = await deriveScramKeys("sha256", "IX IX", salt, 4096);
    expect(raw.clientKey.equals(prepared.clientKey)).toBe(true);
  });
});
