import { client, xml, type Element } from "@xmpp/client";
import { NodeScramSha1 } from "../../src/xmpp/scram.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

/**
 * An independent XMPP client (xmpp.js's own @xmpp/client stack) that tests use to see
 * what the gateway did from the outside. Only the SCRAM mechanism is swapped for our
 * node:crypto one (unit-tested against RFC 5802), because the default takes ~1 s a login,
 * and XEP-0198 stream management stays off (see {@link hideStreamManagement}).
 */
export interface RawClient {
  jid: string;
  send(stanza: Element): Promise<void>;
  iq(stanza: Element): Promise<Element>;
  /** Resolves with the first incoming stanza matching `predicate`, or rejects after `timeoutMs`. */
  waitFor(predicate: (stanza: Element) => boolean, timeoutMs?: number): Promise<Element>;
  /** Every stanza received so far. */
  received: Element[];
  stop(): Promise<void>;
}

export async function connectRawClient(
  service: string,
  domain: string,
  user: SandboxUser,
  options: { resource?: string; presence?: { priority: number } | false } = {},
): Promise<RawClient> {
  const c = client({ service, domain, username: user.username, password: user.password, resource: options.resource ?? "raw" });
  (c.saslFactory as unknown as { _mechs: Array<{ name: string; mech: unknown }> })._mechs.unshift({ name: "SCRAM-SHA-1", mech: NodeScramSha1 });
  c.on("error", () => undefined);
  hideStreamManagement(c);
  const received: Element[] = [];
  const waiters = new Set<{ predicate: (s: Element) => boolean; resolve: (s: Element) => void }>();
  c.on("stanza", (stanza: Element) => {
    received.push(stanza);
    for (const w of waiters) if (w.predicate(stanza)) { waiters.delete(w); w.resolve(stanza); }
  });
  const jid = (await c.start()).toString();
  if (options.presence !== false) {
    await c.send(xml("presence", {}, xml("priority", {}, String(options.presence?.priority ?? 0))));
    // The server handles a client's stanzas in order: once the ping is answered the client
    // is available, so presence broadcast right after this returns reaches it.
    await c.iqCaller.request(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
  }
  return {
    jid,
    received,
    send: (stanza) => c.send(stanza),
    iq: (stanza) => c.iqCaller.request(stanza),
    waitFor(predicate, timeoutMs = 5000) {
      const already = received.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (s: Element) => { clearTimeout(timer); resolve(s); } };
        const timer = setTimeout(() => { waiters.delete(waiter); reject(new Error(`no matching stanza within ${timeoutMs} ms`)); }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async stop() {
      await c.stop().catch(() => undefined);
    },
  };
}

/** XEP-0198's namespace and the stream-features namespace (RFC 6120 §4.3.2). */
const NS_SM = "urn:xmpp:sm:3";
const NS_STREAMS = "http://etherx.jabber.org/streams";

/**
 * Keeps xmpp.js's stream management from ever being enabled: its 0.14 counters are wrong
 * (IQ replies that iqCaller consumes are not counted, and acks can run ahead), so ejabberd
 * ends the stream ("Client acknowledged more stanzas than sent by server") and the test
 * client silently goes away. `@xmpp/client` registers its `sm` feature handler with no way
 * to remove it, so the offer is taken out of `<stream:features/>` before the middleware
 * (an earlier "element" listener) sees it: to the client, the server simply offers no SM.
 */
function hideStreamManagement(c: ReturnType<typeof client>): void {
  c.prependListener("element", (element: Element) => {
    if (!element.is("features", NS_STREAMS)) return;
    for (const sm of element.getChildren("sm", NS_SM)) element.remove(sm);
  });
}

/**
 * A mutual presence subscription between two raw clients (RFC 6121 §3.1), settled on
 * both servers (each client's ping is answered after its last subscription stanza).
 */
export async function befriend(a: RawClient, b: RawClient): Promise<void> {
  const bareA = a.jid.split("/")[0]!;
  const bareB = b.jid.split("/")[0]!;
  await a.send(xml("presence", { to: bareB, type: "subscribe" }));
  await b.waitFor((s) => s.is("presence") && s.attrs.type === "subscribe" && !!s.attrs.from?.startsWith(bareA));
  await b.send(xml("presence", { to: bareA, type: "subscribed" }));
  await b.send(xml("presence", { to: bareA, type: "subscribe" }));
  await a.waitFor((s) => s.is("presence") && s.attrs.type === "subscribe" && !!s.attrs.from?.startsWith(bareB));
  await a.send(xml("presence", { to: bareB, type: "subscribed" }));
  await a.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
  await b.iq(xml("iq", { type: "get" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
}
