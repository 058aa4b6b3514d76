import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SERVER, startGateway, type TestGateway } from "../support/gateway.js";
import { useGateway, type GatewayFixture } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const gw = useGateway();

const raw = (user: SandboxUser, resource = "observer", on: GatewayFixture = gw) => on.connect(user, { resource, presence: false });

/** Whether an independent XMPP client can log in with these credentials. */
async function rawLoginWorks(user: SandboxUser, on: GatewayFixture = gw): Promise<boolean> {
  try {
    await raw(user, `check-${Math.random().toString(16).slice(2, 8)}`, on);
    return true;
  } catch {
    return false;
  }
}

const CHANGE = "mutation($p: String!) { account { changePassword(newPassword: $p) } }";
const UNREGISTER = "mutation { account { unregister } }";
const WHO = "{ checkAuth { username authStatus } }";
const ROSTER = "{ roster { listContacts { jid } } }";

describe("account.changePassword", () => {
  it("changes the password: the old one stops working through the gateway and for other clients, the new one works", async () => {
    const alice = await gw.sandbox.createUser();
    expect((await gw.gql(ROSTER, undefined, alice)).status).toBe(200);
    expect(gw.app.pool.has(alice.jid)).toBe(true);

    const r = await gw.gql(CHANGE, { p: "n3w-Passw0rd" }, alice);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { account: { changePassword: "Password changed" } } });
    expect(gw.app.pool.has(alice.jid)).toBe(false);

    const old = await gw.gql(ROSTER, undefined, alice);
    expect(old.status).toBe(401);
    expect(old.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
    const renewed = { ...alice, password: "n3w-Passw0rd" };
    const fresh = await gw.gql(ROSTER, undefined, renewed);
    expect(fresh.body).toEqual({ data: { roster: { listContacts: [] } } });
    expect((await gw.gql(WHO, undefined, renewed)).body.data.checkAuth).toEqual({ username: alice.jid, authStatus: "AUTHORIZED" });

    expect(await rawLoginWorks(alice)).toBe(false);
    expect(await rawLoginWorks(renewed)).toBe(true);
  });

  it("refuses an empty password with empty_password (a field error), and the password stays", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(CHANGE, { p: "" }, alice);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ account: { changePassword: null } });
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors?.[0]).toMatchObject({
      message: "Empty password",
      path: ["account", "changePassword"],
      extensions: { code: "empty_password" },
    });
    expect((await gw.gql(WHO, undefined, alice)).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
    expect(gw.app.pool.has(alice.jid)).toBe(true);
    expect(await rawLoginWorks(alice)).toBe(true);
    expect(await rawLoginWorks({ ...alice, password: "" })).toBe(false);
  });

  it("keeps markup in the new password as text", async () => {
    const alice = await gw.sandbox.createUser();
    const password = "</password><remove/>&amp;'\"";
    const r = await gw.gql(CHANGE, { p: password }, alice);
    expect(r.body.data.account.changePassword).toBe("Password changed");
    expect(await rawLoginWorks({ ...alice, password })).toBe(true);
    expect((await gw.gql(WHO, undefined, { ...alice, password })).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
  });

  it("refuses a password XML cannot carry with not_allowed, without sending it: the shared session stays up", async () => {
    const alice = await gw.sandbox.createUser();
    expect((await gw.gql(WHO, undefined, alice)).status).toBe(200);
    const session = await gw.app.pool.session(alice.jid, alice.username, { password: alice.password });
    let closed = false;
    session.onClose(() => (closed = true));
    for (const p of ["bell\u0007", "nul\u0000", "\uFFFE"]) {
      const r = await gw.gql(CHANGE, { p }, alice);
      expect(r.status).toBe(200);
      expect(r.body.errors?.[0]).toMatchObject({ path: ["account", "changePassword"], extensions: { code: "not_allowed" } });
    }
    // The marker: a server round trip on the same session. The server reads a stream in
    // order, so XML it cannot parse, had it been sent, would have closed the stream first.
    const marker = await gw.gql(ROSTER, undefined, alice);
    expect(marker.body).toEqual({ data: { roster: { listContacts: [] } } });
    expect(closed).toBe(false);
    expect(session.isOpen).toBe(true);
    expect(await gw.app.pool.session(alice.jid, alice.username, { password: alice.password })).toBe(session);
    expect(await rawLoginWorks(alice)).toBe(true);
  });

  it("needs credentials: without them the mutation is refused with 401 no_permissions", async () => {
    const r = await gw.gql(CHANGE, { p: "x" }, null);
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("no_permissions");
  });

  it("with a wrong password nothing changes: 401 wrong_credentials", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(CHANGE, { p: "taken-over" }, { ...alice, password: alice.password + "x" });
    expect(r.status).toBe(401);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
    expect(await rawLoginWorks(alice)).toBe(true);
    expect(await rawLoginWorks({ ...alice, password: "taken-over" })).toBe(false);
  });
});

describe("account operations with a Bearer token", () => {
  let tokenGw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "xg-account-tokens-"));
    tokenGw = await startGateway({ TOKEN_SECRET: "account-test-secret-0123456789-abcdefgh", TOKEN_STORE_PATH: join(dir, "revocations.json") }, gw.sandbox);
  });
  afterAll(async () => {
    await tokenGw?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it("changes the password for a token holder; the token, made from the old password, then stops working", async () => {
    const alice = await gw.sandbox.createUser();
    const tokens = await tokenGw.gql("mutation { token { requestToken { access } } }", undefined, alice);
    const access = tokens.body.data.token.requestToken.access as string;
    const r = await tokenGw.gql(CHANGE, { p: "via-token" }, null, bearer(access));
    expect(r.body).toEqual({ data: { account: { changePassword: "Password changed" } } });
    const after = await tokenGw.gql(WHO, undefined, null, bearer(access));
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
    expect(await rawLoginWorks({ ...alice, password: "via-token" })).toBe(true);
  });
});

describe("account.unregister", () => {
  it("removes the account: raw login fails, the pooled session is gone and the next request gets 401", async () => {
    const alice = await gw.sandbox.createUser();
    const other = await raw(alice, "phone");
    expect(other.jid).toBe(`${alice.jid}/phone`);

    const r = await gw.gql(UNREGISTER, undefined, alice);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { account: { unregister: `User ${alice.jid} successfully unregistered` } } });
    expect(gw.app.pool.has(alice.jid)).toBe(false);

    expect(await rawLoginWorks(alice)).toBe(false);
    const after = await gw.gql(WHO, undefined, alice);
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
    const again = await gw.gql(UNREGISTER, undefined, alice);
    expect(again.status).toBe(401);
    expect(again.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
  });

  it("removes only the caller's account", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    await gw.gql(UNREGISTER, undefined, alice);
    expect(await rawLoginWorks(bob!)).toBe(true);
    expect((await gw.gql(WHO, undefined, bob)).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
  });

  it("lets the name be registered again, as a new account with the new password", async () => {
    const alice = await gw.sandbox.createUser();
    await gw.gql(UNREGISTER, undefined, alice);
    const reborn = await gw.sandbox.createUser(alice.username, "second-life");
    expect((await gw.gql(WHO, undefined, reborn)).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
    expect((await gw.gql(WHO, undefined, alice)).status).toBe(401);
  });
});

describe("account.field (MongooseIM's placeholder query)", () => {
  it("answers null and no error", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql("{ account { field } }", undefined, alice);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ data: { account: { field: null } } });
  });
});

// What only ejabberd does; it runs in the ejabberd project (XMPP_SERVER=ejabberd).
describe.runIf(SERVER === "ejabberd")("on ejabberd", () => {
  // A gateway of its own: the failed logins here must not count against the rest of the file.
  const ej = useGateway();

  it("changes the password", async () => {
    const alice = await ej.sandbox.createUser();
    const r = await ej.gql(CHANGE, { p: "n3w-Passw0rd" }, alice);
    expect(r.body).toEqual({ data: { account: { changePassword: "Password changed" } } });
    expect((await ej.gql(WHO, undefined, alice)).status).toBe(401);
    expect((await ej.gql(WHO, undefined, { ...alice, password: "n3w-Passw0rd" })).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
    expect(await rawLoginWorks(alice, ej)).toBe(false);
    expect(await rawLoginWorks({ ...alice, password: "n3w-Passw0rd" }, ej)).toBe(true);
  });

  it("answers not_allowed when the server refuses the new password (ejabberd refuses a left-to-right mark)", async () => {
    const alice = await ej.sandbox.createUser();
    const r = await ej.gql(CHANGE, { p: "left\u200Eright" }, alice);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ account: { changePassword: null } });
    expect(r.body.errors?.[0]).toMatchObject({
      message: "User does not exist or you are not authorized properly",
      path: ["account", "changePassword"],
      extensions: { code: "not_allowed" },
    });
    expect(ej.app.pool.has(alice.jid)).toBe(true);
    expect((await ej.gql(WHO, undefined, alice)).body.data.checkAuth.authStatus).toBe("AUTHORIZED");
    expect(await rawLoginWorks({ ...alice, password: "left\u200Eright" }, ej)).toBe(false);
  });

  it("unregisters, although ejabberd closes the stream before it replies", async () => {
    const alice = await ej.sandbox.createUser();
    const r = await ej.gql(UNREGISTER, undefined, alice);
    expect(r.body).toEqual({ data: { account: { unregister: `User ${alice.jid} successfully unregistered` } } });
    expect(ej.app.pool.has(alice.jid)).toBe(false);
    expect(await rawLoginWorks(alice, ej)).toBe(false);
    const after = await ej.gql(WHO, undefined, alice);
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0]?.extensions?.code).toBe("wrong_credentials");
  });
});
