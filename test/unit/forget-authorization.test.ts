import { describe, expect, it } from "vitest";
import type { IncomingMessage } from "node:http";
import { forgetRequestAuthorization } from "../../src/server/forget-authorization.js";
import { forgetParamsAuthorization } from "../../src/server/ws.js";

describe("forgetting the Authorization a long-lived transport keeps", () => {
  it("removes it from a request's parsed and raw headers, keeping the others", () => {
    const req = {
      headers: { authorization: "Basic c2VjcmV0", host: "x" },
      rawHeaders: ["Host", "x", "Authorization", "Basic c2VjcmV0", "Accept", "*/*"],
    } as unknown as IncomingMessage;
    forgetRequestAuthorization(req);
    expect(req.headers).toEqual({ host: "x" });
    expect(req.rawHeaders).toEqual(["Host", "x", "Authorization", "", "Accept", "*/*"]);
  });

  it("removes it from graphql-ws connection params, flat and under headers, in any letter case", () => {
    const params: Record<string, unknown> = { AUTHORIZATION: "Basic a", other: 1, headers: { Authorization: "Basic b", "x-id": "2" } };
    forgetParamsAuthorization(params);
    expect(params).toEqual({ other: 1, headers: { "x-id": "2" } });
    expect(() => forgetParamsAuthorization(undefined)).not.toThrow();
  });
});
