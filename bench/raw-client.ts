import { xml, type Element } from "@xmpp/xml";
import { XmppSession } from "../src/xmpp/session.js";
import type { SandboxUser } from "../scripts/sandbox/xmpp-sandbox.js";
import { NS_ROSTER } from "../src/xmpp/namespaces.js";

/*
 * The raw side: plain XMPP c2s sessions with the gateway's own xmpp.js composition
 * (XmppSession.open: @xmpp/client-core + tcp + sasl + resource binding, SCRAM-SHA-1 on
 * node:crypto, TCP_NODELAY, no XEP-0198). The same stack the pool uses, so a ratio
 * isolates what the gateway adds on top of one XMPP round trip.
 */

/** Where the raw sessions connect. */
export interface XmppTarget {
  service: string;
  domain: string;
}

/** A logged-in raw session (resource `bench-raw-<random>` unless given). */
export function openRaw(target: XmppTarget, user: SandboxUser, resource?: string): Promise<XmppSession> {
  return XmppSession.open({
    service: target.service,
    domain: target.domain,
    username: user.username,
    password: user.password,
    resource: resource ?? `bench-raw-${Math.random().toString(36).slice(2, 10)}`,
    iqTimeoutMs: 30_000,
    connectTimeoutMs: 30_000,
  });
}

/** The raw equivalent of `roster.listContacts`: one roster get (RFC 6121 §2.1.3). */
export function rosterGet(session: XmppSession): Promise<Element> {
  return session.iq(xml("iq", { type: "get" }, xml("query", { xmlns: NS_ROSTER })));
}

/** Adds `contacts` roster items (pipelined roster sets) so every user has the same roster size. */
export async function fillRoster(session: XmppSession, contacts: readonly string[]): Promise<void> {
  await Promise.all(
    contacts.map((jid, i) =>
      session.iq(
        xml("iq", { type: "set" }, xml("query", { xmlns: NS_ROSTER }, xml("item", { jid, name: `Contact ${i}` }, xml("group", {}, "bench")))),
      ),
    ),
  );
}

/** A chat message with a body the receiver can match on. */
export function chat(to: string, body: string): Element {
  return xml("message", { to, type: "chat", id: body }, xml("body", {}, body));
}

/** The body of a message stanza, or of the message a carbon copy forwards. */
export function bodyOf(stanza: Element): string | undefined {
  const direct = stanza.getChildText("body");
  if (direct) return direct;
  const forwarded = stanza.getChild("received")?.getChild("forwarded")?.getChild("message");
  return forwarded?.getChildText("body") ?? undefined;
}
