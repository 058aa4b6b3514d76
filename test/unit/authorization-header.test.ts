import { describe, expect, it } from "vitest";
import { parseAuthorizationHeader } from "../../src/auth/authorization-header.js";
import { ApiError } from "../../src/errors/api-error.js";

const MALFORMED = "Malformed authorization header. Please consult the relevant specification";
const basic = (text: string): string => `Basic ${Buffer.from(text, "utf8").toString("base64")}`;

function refusal(header: string): ApiError {
  try {
    parseAuthorizationHeader(header);
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`${header} was accepted`);
}

describe("parseAuthorizationHeader", () => {
  it("treats a missing or empty header as anonymous", () => {
    expect(parseAuthorizationHeader(undefined)).toEqual({ kind: "anonymous" });
    expect(parseAuthorizationHeader(null)).toEqual({ kind: "anonymous" });
    expect(parseAuthorizationHeader("")).toEqual({ kind: "anonymous" });
    expect(parseAuthorizationHeader("   ")).toEqual({ kind: "anonymous" });
  });

  it("reads a Bearer token, whatever the case, and treats a bare Bearer or Digest as anonymous", () => {
    expect(parseAuthorizationHeader("Bearer abc.def.ghi")).toEqual({ kind: "bearer", token: "abc.def.ghi" });
    expect(parseAuthorizationHeader("bearer  xg1.token ")).toEqual({ kind: "bearer", token: "xg1.token" });
    expect(parseAuthorizationHeader("bearer")).toEqual({ kind: "anonymous" });
    expect(parseAuthorizationHeader('Digest username="a", realm="r"')).toEqual({ kind: "anonymous" });
  });

  it("reads valid Basic credentials", () => {
    expect(parseAuthorizationHeader(basic("alice@localhost:secret"))).toEqual({
      kind: "basic", login: "alice@localhost", password: "secret",
    });
  });

  it("keeps colons in the password and accepts an empty one", () => {
    expect(parseAuthorizationHeader(basic("alice@localhost:a:b::c"))).toEqual({
      kind: "basic", login: "alice@localhost", password: "a:b::c",
    });
    expect(parseAuthorizationHeader(basic("alice@localhost:"))).toEqual({ kind: "basic", login: "alice@localhost", password: "" });
  });

  it("accepts a lower-case scheme, extra spaces and UTF-8", () => {
    const header = basic("zoë@localhost:pässwörd").replace("Basic ", "  basic   ") + "  ";
    expect(parseAuthorizationHeader(header)).toEqual({ kind: "basic", login: "zoë@localhost", password: "pässwörd" });
  });

  it.each([
    ["bad base64", "Basic !!!notbase64"],
    ["base64 of impossible length", "Basic abcde"],
    ["no colon", basic("alice@localhost")],
    ["empty user", basic(":secret")],
    ["other scheme", "Negotiate abc"],
    ["Basic without value", "Basic"],
    ["Basic with blank value", "Basic    "],
    ["no scheme", "dXNlcjpwYXNz"],
    ["garbage", "@@@"],
  ])("refuses %s with request_error 401", (_, header) => {
    const error = refusal(header);
    expect(error.code).toBe("request_error");
    expect(error.httpStatus).toBe(401);
    expect(error.message).toBe(MALFORMED);
  });
});
