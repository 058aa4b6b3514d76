/**
 * What the sandbox tests (one file per server) check a sandbox with: a login through
 * xmpp.js's default client stack, disco features, and whether the server process lives.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { connect } from "node:net";
import { client, type Element, type FullClient } from "@xmpp/client";
import type { SandboxUser, XmppSandbox } from "../../scripts/sandbox/xmpp-sandbox.js";

const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";

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
