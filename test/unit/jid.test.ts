import { describe, expect, it } from "vitest";
import { bareOf, domainOfJid, hasLocal, localOf, resourceOf } from "../../src/xmpp/jid.js";

describe("JID text helpers", () => {
  it("cut a full JID into its parts, folding the case of the bare part only", () => {
    expect(bareOf("Alice@Example.COM/Phone/1")).toBe("alice@example.com");
    expect(resourceOf("Alice@Example.COM/Phone/1")).toBe("Phone/1");
    expect(domainOfJid("Alice@Example.COM/Phone")).toBe("example.com");
    expect(localOf("Alice@Example.COM/Phone")).toBe("alice");
  });

  it("treat a JID without resource, or with an empty one, as having none", () => {
    expect(resourceOf("alice@example.com")).toBeUndefined();
    expect(resourceOf("alice@example.com/")).toBeUndefined();
    expect(bareOf("alice@example.com")).toBe("alice@example.com");
  });

  it("handle domain-only JIDs, and an @ inside a resource", () => {
    expect(hasLocal("conference.example.com")).toBe(false);
    expect(hasLocal("conference.example.com/a@b")).toBe(false);
    expect(hasLocal("room@conference.example.com")).toBe(true);
    expect(domainOfJid("example.com/a@b")).toBe("example.com");
    expect(localOf("example.com")).toBe("example.com");
  });
});
