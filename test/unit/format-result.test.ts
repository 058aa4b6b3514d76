import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { ApiError } from "../../src/errors/api-error.js";
import { formatResult } from "../../src/server/format-result.js";

const fromResolver = (error: Error, path: string[]) => new GraphQLError(error.message, { path, originalError: error });

describe("formatResult", () => {
  it("answers 200 with the data when nothing failed", () => {
    expect(formatResult({ data: { a: 1 } }, () => undefined)).toEqual({ body: { data: { a: 1 } }, status: 200, headers: {} });
  });

  it("gives the largest status an error asks for, with its headers, on every transport alike", () => {
    const logged: unknown[] = [];
    const result = formatResult({
      data: { a: null, b: null },
      errors: [
        fromResolver(new ApiError("contact_not_found", "no such contact"), ["a"]),
        fromResolver(new ApiError("too_many_failed_logins", "wait", { retry_after: 7 }, 429), ["b"]),
        fromResolver(new ApiError("xmpp_unavailable", "gone", {}, 503), ["c"]),
      ],
    }, (e) => logged.push(e));
    expect(result.status).toBe(503);
    expect(result.headers).toEqual({ "retry-after": "7" });
    expect(result.body.errors?.map((e) => e.extensions)).toEqual([
      { code: "contact_not_found" }, { code: "too_many_failed_logins", retry_after: 7 }, { code: "xmpp_unavailable" },
    ]);
    expect(logged).toEqual([]);
  });

  it("masks and logs an unexpected crash, and keeps the 200 of a partial result", () => {
    const logged: unknown[] = [];
    const crash = new TypeError("boom");
    const result = formatResult({ data: { a: null }, errors: [fromResolver(crash, ["a"])] }, (e) => logged.push(e));
    expect(result.status).toBe(200);
    expect(result.body.errors?.[0]).toMatchObject({ message: "Unexpected resolver crash", extensions: { code: "resolver_crash" } });
    expect(logged).toEqual([crash]);
  });
});
