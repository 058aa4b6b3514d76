import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "./session.js";
import { NS_PING } from "./namespaces.js";
import { StanzaError, XmppTimeoutError, hasCondition, parseStanzaError } from "./errors.js";
import { bareOf, domainOfJid } from "./jid.js";

/*
 * Whether the user's server can reach another domain. XMPP routes a stanza to another
 * domain over server-to-server (RFC 6120 §13.9); when the server cannot (no such domain,
 * DNS failing, s2s switched off) it bounces the stanza with an error, within milliseconds
 * when DNS fails at once, much later when a connection times out. So a ping to the
 * domain (XEP-0199 §4.3), waited for a short bounded time, tells "unreachable" while it
 * is quick to tell; past that wait the answer stays unknown and delivery asynchronous.
 */

/** How long a request waits for the server to say a domain cannot be reached. */
export const REMOTE_BOUNCE_WAIT_MS = 2_000;

/** What a server bounces a stanza with when it cannot reach the domain (RFC 6120 §8.3.3.14, .15). */
const S2S_FAILURES = new Set(["remote-server-not-found", "remote-server-timeout"]);

/**
 * What a server answers a ping to a domain it cannot reach: the s2s failures, and
 * `not-allowed` from a server with s2s switched off (Prosody: "Communication with remote
 * domains is not enabled"). A domain's own server never refuses a ping that way, and a
 * user's server could bounce a message `not-allowed` for its own reasons: so only the
 * domain's ping may say it.
 */
const UNREACHABLE = new Set([...S2S_FAILURES, "not-allowed"]);

/** Whether `jid` lives on another domain than the session's own (and so goes over s2s). */
export function isRemote(session: XmppSession, jid: string): boolean {
  const domain = domainOfJid(jid);
  return domain !== session.domain && !domain.endsWith(`.${session.domain}`);
}

/**
 * Pings `domain` and answers the error that says it cannot be reached, or null when it
 * answered (any other answer, an error too, comes from the remote side) or did not say
 * within `waitMs`. A reachable domain is remembered for the session, so that only the
 * first request to it waits.
 */
export async function unreachableDomain(session: XmppSession, domain: string, waitMs = REMOTE_BOUNCE_WAIT_MS): Promise<StanzaError | null> {
  const verdict = await session.memo.remember(
    `remote-domain:${domain}`,
    () => probe(session, domain, waitMs),
    (result) => result === "reachable",
  );
  return verdict instanceof StanzaError ? verdict : null;
}

async function probe(session: XmppSession, domain: string, waitMs: number): Promise<StanzaError | "reachable" | "unknown"> {
  try {
    await session.iq(xml("iq", { type: "get", to: domain }, xml("ping", { xmlns: NS_PING })), waitMs);
    return "reachable";
  } catch (error) {
    if (error instanceof XmppTimeoutError) return "unknown";
    // Reported the same way whatever the server said: the domain cannot be reached.
    if (hasCondition(error, UNREACHABLE)) return new StanzaError("remote-server-not-found", "cancel", error.text ?? error.condition);
    if (error instanceof StanzaError) return "reachable";
    throw error;
  }
}

/**
 * Sends `stanza` to a JID on another domain and waits, boundedly, for the server to say
 * it cannot route it: the stanza's own bounce, or the domain's. Stanzas to the user's own
 * domain are just sent.
 * @throws StanzaError with the unreachable condition; the session's errors.
 */
export async function sendCheckingRoute(session: XmppSession, stanza: Element): Promise<void> {
  const to = stanza.attrs.to;
  if (to === undefined || !isRemote(session, to)) {
    await session.send(stanza);
    return;
  }
  const id = stanza.attrs.id;
  const bounced: { error: StanzaError | null } = { error: null };
  const stop = session.onStanza((reply) => {
    if (reply.attrs.type !== "error" || reply.attrs.id !== id || reply.name !== stanza.name) return;
    if (bareOf(reply.attrs.from ?? "") !== bareOf(to)) return;
    const error = parseStanzaError(reply);
    if (S2S_FAILURES.has(error.condition)) bounced.error ??= error;
  });
  try {
    await session.send(stanza);
    // The ping follows the stanza on the same route, so a bounce of the stanza comes first.
    const unreachable = await unreachableDomain(session, domainOfJid(to));
    const error = bounced.error ?? unreachable;
    if (error) throw error;
  } finally {
    stop();
  }
}
