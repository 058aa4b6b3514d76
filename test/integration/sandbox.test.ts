import { existsSync } from "node:fs";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { xml } from "@xmpp/client";
import { canConnect, expectPlainOffered, features, isAlive, login, readPid, saslMechanisms, uploadThroughSlot } from "../support/sandbox-checks.js";
import { startProsody } from "../../scripts/sandbox/prosody.js";
import type { XmppSandbox } from "../../scripts/sandbox/xmpp-sandbox.js";

const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";

describe("Prosody sandbox", () => {
  let sandbox: XmppSandbox;

  beforeAll(async () => {
    const t0 = performance.now();
    sandbox = await startProsody();
    console.log(`startProsody: ${(performance.now() - t0).toFixed(0)} ms (${sandbox.service}, ${sandbox.dir})`);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it("describes itself", () => {
    expect(sandbox.domain).toBe("localhost");
    expect(sandbox.mucDomain).toBe("muc.localhost");
    expect(sandbox.uploadDomain).toBe("upload.localhost");
    expect(sandbox.host).toBe("127.0.0.1");
    expect(sandbox.service).toBe(`xmpp://127.0.0.1:${sandbox.c2sPort}`);
    expect(sandbox.c2sPort).not.toBe(sandbox.httpPort);
    expect(existsSync(sandbox.dir)).toBe(true);
  });

  it("creates users, one by one and in bulk, all distinct", async () => {
    const a = await sandbox.createUser();
    const b = await sandbox.createUser();
    expect(a.username).not.toBe(b.username);
    expect(a.jid).toBe(`${a.username}@localhost`);
    expect(a.username).toBe(a.username.toLowerCase());

    const t0 = performance.now();
    const many = await sandbox.createUsers(50, "bulk");
    console.log(`createUsers(50): ${(performance.now() - t0).toFixed(0)} ms`);
    expect(many).toHaveLength(50);
    const names = new Set([a, b, ...many].map((u) => u.username));
    expect(names.size).toBe(52);
    for (const u of many) expect(u.username).toMatch(/^bulk-[0-9a-f]+-\d+$/);

    const named = await sandbox.createUser(`carol-${Date.now()}`, "s3cret&<'\"");
    expect(named.password).toBe("s3cret&<'\"");
    await expect(sandbox.createUser(named.username)).rejects.toThrow(/taken/);
  });

  it("lets a created user log in, and refuses a wrong password", async () => {
    const user = await sandbox.createUser();
    const c = await login(sandbox, user);
    expect(c.jid!.toString().startsWith(`${user.jid}/`)).toBe(true);
    await c.stop();

    await expect(login(sandbox, { ...user, password: `${user.password}-wrong` })).rejects.toThrow(/not-authorized/);
  });

  it("offers the protocols the API needs, its components, and working HTTP upload", async () => {
    const user = await sandbox.createUser();
    const c = await login(sandbox, user);
    try {
      const info = await c.iqCaller.request(
        xml("iq", { type: "get", to: sandbox.domain }, xml("query", { xmlns: NS_DISCO_INFO })),
      );
      expect(features(info)).toEqual(
        expect.arrayContaining(["jabber:iq:private", "vcard-temp", "jabber:iq:last", "urn:xmpp:carbons:2", "urn:xmpp:blocking"]),
      );

      // Prosody advertises MAM on the account (the user's bare JID), not on the server.
      const account = await c.iqCaller.request(
        xml("iq", { type: "get", to: user.jid }, xml("query", { xmlns: NS_DISCO_INFO })),
      );
      expect(features(account)).toContain("urn:xmpp:mam:2");

      const items = await c.iqCaller.request(
        xml("iq", { type: "get", to: sandbox.domain }, xml("query", { xmlns: NS_DISCO_ITEMS })),
      );
      const jids = items.getChild("query", NS_DISCO_ITEMS)!.getChildren("item").map((i) => i.attrs.jid);
      expect(jids).toEqual(expect.arrayContaining([sandbox.mucDomain, sandbox.uploadDomain]));

      // The upload component's URLs must point at the loopback HTTP port and route there.
      const upload = await uploadThroughSlot(sandbox, c, "hello sandbox");
      expect(upload).toEqual({ putUrl: expect.stringMatching(`^http://127\\.0\\.0\\.1:${sandbox.httpPort}/`), putStatus: 201, getStatus: 200, got: "hello sandbox" });
    } finally {
      await c.stop();
    }
  });

  it("keeps users across restart() and across kill() + restart()", async () => {
    const user = await sandbox.createUser();
    const pidBefore = await readPid(sandbox);

    await sandbox.restart();
    const pidAfterRestart = await readPid(sandbox);
    expect(pidAfterRestart).not.toBe(pidBefore);
    expect(isAlive(pidBefore)).toBe(false);
    const c = await login(sandbox, user);
    expect(c.jid!.toString().startsWith(`${user.jid}/`)).toBe(true);
    await c.stop();

    await sandbox.kill();
    expect(isAlive(pidAfterRestart)).toBe(false);
    expect(existsSync(sandbox.dir)).toBe(true);
    expect(await canConnect(sandbox.c2sPort)).toBe(false);
    await sandbox.restart();
    // A cheap existence check: registering the same name again is refused.
    await expect(sandbox.createUser(user.username)).rejects.toThrow(/taken/);
  });

  it("takes server settings that replace its own: PLAIN offered only when asked", async () => {
    expect(await saslMechanisms(sandbox)).toEqual(["SCRAM-SHA-1"]);
    const other = await startProsody({ serverConfig: { allow_unencrypted_plain_auth: true } });
    await expectPlainOffered(other);
    await expect(startProsody({ serverConfig: { "not an option": 1 } })).rejects.toThrow(/not a Prosody option name/);
  });

  it("stop() kills the process and removes the dir, and is idempotent", async () => {
    const other = await startProsody();
    const pid = await readPid(other);
    expect(isAlive(pid)).toBe(true);
    await other.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    expect(await canConnect(other.c2sPort)).toBe(false);
    await other.stop();
  });
});
