import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { xml } from "@xmpp/client";
import { basicAuth } from "../support/gateway.js";
import { canConnect, expectPlainOffered, features, isAlive, login, readPid, saslMechanisms, uploadThroughSlot } from "../support/sandbox-checks.js";
import { startEjabberd, type EjabberdSandbox } from "../../scripts/sandbox/ejabberd.js";

const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
const NS_ROSTER = "jabber:iq:roster";

/** Pids of `pid`'s children (the VM's erl_child_setup, port programs), from /proc. */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 (ppid) follows the parenthesised command name, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return kids;
}

/** Processes whose command line mentions `needle` (the sandbox dir or node name). */
function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(needle)) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

describe("ejabberd sandbox", () => {
  let sandbox: EjabberdSandbox;

  beforeAll(async () => {
    const t0 = performance.now();
    sandbox = await startEjabberd();
    console.log(`startEjabberd: ${(performance.now() - t0).toFixed(0)} ms (${sandbox.service}, ${sandbox.dir})`);
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
    expect(sandbox.apiUrl).toBe(`http://127.0.0.1:${sandbox.apiPort}/api`);
    expect(sandbox.node).toMatch(/^ejabberd-[0-9a-f]+@localhost$/);
    expect(existsSync(sandbox.dir)).toBe(true);
  });

  it("runs its own VM: no epmd, nothing from the system installation", async () => {
    const pid = await readPid(sandbox);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    expect(cmdline[0]).toMatch(/beam\.smp$/);
    expect(cmdline).toContain(sandbox.node);
    expect(cmdline).toContain("-start_epmd");
    expect(cmdline.join(" ")).not.toMatch(/\/etc\/ejabberd|\/var\/lib\/ejabberd|\/var\/log\/ejabberd/);
    const environ = readFileSync(`/proc/${pid}/environ`, "utf8");
    expect(environ).toContain(`EJABBERD_CONFIG_PATH=${sandbox.dir}/ejabberd.yml`);
    expect(environ).not.toMatch(/\/etc\/ejabberd/);
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

    // Bulk-created accounts really exist and log in (in parallel: no throttling, no backlog stall).
    const clients = await Promise.all(many.slice(0, 10).map((u) => login(sandbox, u)));
    await Promise.all(clients.map((c) => c.stop()));
  });

  it("lets a created user log in, and refuses a wrong password", async () => {
    const user = await sandbox.createUser();
    const c = await login(sandbox, user);
    expect(c.jid!.toString().startsWith(`${user.jid}/`)).toBe(true);
    await c.stop();

    // Several failures in a row: mod_fail2ban is off, so loopback does not get banned.
    for (let i = 0; i < 3; i++) {
      await expect(login(sandbox, { ...user, password: `${user.password}-wrong` })).rejects.toThrow(/not-authorized/);
    }
    const again = await login(sandbox, user);
    await again.stop();
  });

  it("offers the protocols the API needs, its services, and working HTTP upload", async () => {
    const user = await sandbox.createUser();
    const c = await login(sandbox, user);
    try {
      const info = await c.iqCaller.request(
        xml("iq", { type: "get", to: sandbox.domain }, xml("query", { xmlns: NS_DISCO_INFO })),
      );
      // ejabberd does not list jabber:iq:roster / jabber:iq:private here, although both work.
      expect(features(info)).toEqual(
        expect.arrayContaining(["vcard-temp", "jabber:iq:last", "urn:xmpp:carbons:2", "urn:xmpp:blocking"]),
      );

      const account = await c.iqCaller.request(
        xml("iq", { type: "get", to: user.jid }, xml("query", { xmlns: NS_DISCO_INFO })),
      );
      expect(features(account)).toContain("urn:xmpp:mam:2");

      const items = await c.iqCaller.request(
        xml("iq", { type: "get", to: sandbox.domain }, xml("query", { xmlns: NS_DISCO_ITEMS })),
      );
      const jids = items.getChild("query", NS_DISCO_ITEMS)!.getChildren("item").map((i) => i.attrs.jid);
      expect(jids).toEqual(expect.arrayContaining([sandbox.mucDomain, sandbox.uploadDomain]));

      // Private storage works although it is not advertised.
      await c.iqCaller.request(
        xml(
          "iq",
          { type: "set" },
          xml("query", { xmlns: "jabber:iq:private" }, xml("note", { xmlns: "test:sandbox" }, "kept")),
        ),
      );
      const stored = await c.iqCaller.request(
        xml("iq", { type: "get" }, xml("query", { xmlns: "jabber:iq:private" }, xml("note", { xmlns: "test:sandbox" }))),
      );
      expect(stored.getChild("query")!.getChild("note", "test:sandbox")!.getText()).toBe("kept");

      // The upload service's URLs must point at the loopback HTTP port and route there.
      const upload = await uploadThroughSlot(sandbox, c, "hello sandbox");
      expect(upload).toEqual({ putUrl: expect.stringMatching(`^http://127\\.0\\.0\\.1:${sandbox.httpPort}/`), putStatus: 201, getStatus: 200, got: "hello sandbox" });
    } finally {
      await c.stop();
    }
  });

  it("answers mod_http_api get_roster with Basic auth", async () => {
    const [owner, contact] = await sandbox.createUsers(2, "api");
    const c = await login(sandbox, owner!);
    try {
      await c.iqCaller.request(
        xml(
          "iq",
          { type: "set" },
          xml("query", { xmlns: NS_ROSTER }, xml("item", { jid: contact!.jid, name: "Contact" }, xml("group", {}, "Friends"))),
        ),
      );
    } finally {
      await c.stop();
    }

    const call = (auth: string) =>
      fetch(`${sandbox.apiUrl}/get_roster`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify({ user: owner!.username, host: sandbox.domain }),
      });
    const ok = await call(basicAuth(owner!));
    expect(ok.status).toBe(200);
    // 23.01 renders "no pending request" as ask: "undefined" (an Erlang atom leaking out).
    expect(await ok.json()).toEqual([
      { jid: contact!.jid, nick: "Contact", subscription: "none", ask: expect.any(String), group: "Friends" },
    ]);

    const wrong = await call(basicAuth({ ...owner!, password: "wrong" }));
    expect(wrong.status).toBe(401);
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

    const kids = childrenOf(pidAfterRestart);
    await sandbox.kill();
    expect(isAlive(pidAfterRestart)).toBe(false);
    await expect.poll(() => kids.filter(isAlive)).toEqual([]);
    expect(existsSync(sandbox.dir)).toBe(true);
    expect(await canConnect(sandbox.c2sPort)).toBe(false);
    await sandbox.restart();
    // A cheap existence check: registering the same name again is refused.
    await expect(sandbox.createUser(user.username)).rejects.toThrow(/taken/);
  });

  it("takes server settings that replace its own: PLAIN offered only when asked", async () => {
    expect(await saslMechanisms(sandbox)).not.toContain("PLAIN");
    const other = await startEjabberd({ serverConfig: { disable_sasl_mechanisms: ["DIGEST-MD5", "X-OAUTH2"] } });
    await expectPlainOffered(other);
    await expect(startEjabberd({ serverConfig: { "modules:\n  x": 1 } })).rejects.toThrow(/not an ejabberd option name/);
  });

  it("stop() leaves no process, port or dir behind, and is idempotent", async () => {
    const other = await startEjabberd();
    const pid = await readPid(other);
    const kids = childrenOf(pid);
    expect(isAlive(pid)).toBe(true);
    expect(kids.length).toBeGreaterThan(0); // erl_child_setup at least
    await other.stop();
    expect(isAlive(pid)).toBe(false);
    await expect.poll(() => kids.filter(isAlive)).toEqual([]);
    expect(processesMentioning(other.dir)).toEqual([]);
    expect(processesMentioning(other.node)).toEqual([]);
    expect(existsSync(other.dir)).toBe(false);
    expect(await canConnect(other.c2sPort)).toBe(false);
    expect(await canConnect(other.httpPort)).toBe(false);
    await other.stop();
  });
});
