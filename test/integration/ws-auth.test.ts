import { beforeAll, describe, expect, it } from "vitest";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// Where graphql-ws clients put credentials (issue 17 item 6): flat connectionParams,
// Apollo's `connectionParams.headers`, or GraphiQL's per-operation `extensions.headers`.
const gw = useGateway();
let alice: SandboxUser;
beforeAll(async () => {
  alice = await gw.sandbox.createUser();
});

const WHO = "{ checkAuth { username authStatus } }";

async function whoAmI(connectionParams: Record<string, unknown>, extensions?: Record<string, unknown>) {
  const { createClient } = await import("graphql-ws");
  const WebSocket = (await import("ws")).default;
  const client = createClient({ url: gw.url.replace("http", "ws") + "/api/graphql", webSocketImpl: WebSocket, connectionParams, retryAttempts: 0 });
  try {
    return await new Promise<any>((resolve, reject) => {
      let result: unknown;
      client.subscribe({ query: WHO, ...(extensions && { extensions }) }, { next: (r) => (result = r), error: reject, complete: () => resolve(result) });
    });
  } finally {
    await client.dispose();
  }
}

describe("graphql-ws credentials", () => {
  it.each([
    ["flat", { Authorization: "@" }],
    ["lower-case flat", { authorization: "@" }],
    ["Apollo's headers", { headers: { Authorization: "@" } }],
  ])("accepts %s connectionParams", async (_name, shape) => {
    const params = JSON.parse(JSON.stringify(shape).replace('"@"', JSON.stringify(basicAuth(alice))));
    const result = await whoAmI(params);
    expect(result.data.checkAuth).toEqual({ username: alice.jid, authStatus: "AUTHORIZED" });
  });

  it("runs an operation as its own extensions.headers (GraphiQL's Headers tab)", async () => {
    const result = await whoAmI({}, { headers: { Authorization: basicAuth(alice) } });
    expect(result.data.checkAuth).toEqual({ username: alice.jid, authStatus: "AUTHORIZED" });
  });

  it("refuses wrong per-operation credentials with wrong_credentials", async () => {
    const error = await whoAmI({}, { headers: { Authorization: basicAuth({ ...alice, password: "nope" }) } }).catch((e) => e);
    expect(error[0].extensions.code).toBe("wrong_credentials");
  });
});
