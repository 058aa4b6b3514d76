/**
 * What the sandbox tests (one file per server) check a sandbox with: a login through
 * xmpp.js's default client stack, disco features, the SASL mechanisms offered, and whether
 * the server process lives.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { expect } from "vitest";
import { client, xml, type Element, type FullClient } from "@xmpp/client";
import type { SandboxUser, XmppSandbox } from "../../scripts/sandbox/xmpp-sandbox.js";

const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
const NS_UPLOAD = "urn:xmpp:http:upload:0";

/** Logs in with xmpp.js's default stack (its slow WebCrypto SCRAM: ~1 s on Prosody, ~0.4 s on ejabberd). */
export async function login(sandbox: XmppSandbox, user: SandboxUser): Promise<FullClient> {
  const c = client({
    service: sandbox.service,
    domain: sandbox.domain,
    username: user.username,
    password: user.password,
    resource: "sandbox-test",
  });
  c.on("error", () => undefined);
  try {
    await c.start();
  } catch (err) {
    await c.stop().catch(() => undefined);
    throw err;
  }
  return c;
}

/** The `var`s of a disco#info reply's features. */
export function features(reply: Element): string[] {
  return reply
    .getChild("query", NS_DISCO_INFO)!
    .getChildren("feature")
    .map((f) => f.attrs.var ?? "");
}

/** The server's PID, from the pid file the sandbox writes (`<dir>/<kind>.pid`). */
export async function readPid(sandbox: XmppSandbox): Promise<number> {
  return Number((await readFile(`${sandbox.dir}/${sandbox.kind}.pid`, "utf8")).trim());
}

/** Running, not a zombie: an orphaned erl_child_setup stays a zombie until PID 1 reaps it. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on the loopback port. */
export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/**
 * The SASL mechanisms (RFC 6120 §6.4.1) the server offers a new c2s stream, read from its
 * first `<stream:features/>` on a raw socket; rejects after `timeoutMs`.
 */
export function saslMechanisms(sandbox: XmppSandbox, timeoutMs = 5_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: sandbox.host, port: sandbox.c2sPort });
    const timer = setTimeout(() => fail(new Error(`no <stream:features/> within ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    let text = "";
    socket.setEncoding("utf8");
    socket.on("error", fail);
    socket.on("connect", () =>
      socket.write(
        `<?xml version='1.0'?><stream:stream to='${sandbox.domain}' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`,
      ),
    );
    socket.on("data", (chunk: string) => {
      text += chunk;
      const features = /<stream:features[\s\S]*?<\/stream:features>/.exec(text)?.[0];
      if (!features) return;
      clearTimeout(timer);
      socket.destroy();
      resolve([...features.matchAll(/<mechanism>([^<]+)<\/mechanism>/g)].map((m) => m[1]!));
    });
  });
}

/** Logs `user` in with {@link login} and out again; resolves with the full JID the server bound. */
export async function loginJid(sandbox: XmppSandbox, user: SandboxUser): Promise<string> {
  const c = await login(sandbox, user);
  try {
    return c.jid!.toString();
  } finally {
    await c.stop();
  }
}

/** What {@link uploadThroughSlot} saw: the slot's PUT URL and both HTTP answers. */
export interface UploadRoundTrip {
  putUrl: string;
  putStatus: number;
  getStatus: number;
  got: string;
}

/**
 * Asks the sandbox's upload component for a slot (XEP-0363 §4) as `c`, PUTs `body` as
 * text/plain to it with the slot's headers, and GETs it back.
 */
export async function uploadThroughSlot(sandbox: XmppSandbox, c: FullClient, body: string): Promise<UploadRoundTrip> {
  const reply = await c.iqCaller.request(
    xml(
      "iq",
      { type: "get", to: sandbox.uploadDomain },
      xml("request", { xmlns: NS_UPLOAD, filename: "hello.txt", size: String(Buffer.byteLength(body)), "content-type": "text/plain" }),
    ),
  );
  const slot = reply.getChild("slot", NS_UPLOAD)!;
  const putUrl = slot.getChild("put")!.attrs.url!;
  const headers: Record<string, string> = { "content-type": "text/plain" };
  for (const h of slot.getChild("put")!.getChildren("header")) headers[h.attrs.name!] = h.getText();
  const put = await fetch(putUrl, { method: "PUT", headers, body });
  const got = await fetch(slot.getChild("get")!.attrs.url!);
  return { putUrl, putStatus: put.status, getStatus: got.status, got: await got.text() };
}

/**
 * Checks a sandbox started with settings that offer PLAIN: it offers PLAIN beside
 * SCRAM-SHA-1 and a new user logs in. Stops the sandbox afterwards, whatever happens.
 */
export async function expectPlainOffered(other: XmppSandbox): Promise<void> {
  try {
    expect(await saslMechanisms(other)).toEqual(expect.arrayContaining(["SCRAM-SHA-1", "PLAIN"]));
    const user = await other.createUser();
    expect(await loginJid(other, user)).toMatch(new RegExp(`^${user.jid}/`));
  } finally {
    await other.stop();
  }
}
