import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { Client } from "@xmpp/client-core";
import tcp from "@xmpp/tcp";
import tls from "@xmpp/tls";
import createMiddleware from "@xmpp/middleware";
import createStreamFeatures from "@xmpp/stream-features";
import createIqCaller from "@xmpp/iq/caller.js";
import createIqCallee from "@xmpp/iq/callee.js";
import resourceBinding from "@xmpp/resource-binding";
import { xml, type Element } from "@xmpp/xml";
import { XmlCharacterError, XmppAuthError, XmppConnectionError, XmppTimeoutError, parseStanzaError } from "./errors.js";
import { isXmlSafe } from "./xml.js";
import { ScramKeysOutdatedError, type ScramKeys } from "./scram.js";
import { PasswordPreparationError } from "./saslprep.js";
import { useSasl, type SaslMechanismName, type SaslOutcome } from "./sasl.js";
import { useStartTls } from "./starttls.js";
import { NS_BLOCKING, NS_DISCO_INFO, NS_ROSTER } from "./namespaces.js";
import { buildOwnDiscoInfo } from "./caps.js";
import { newGatewayResource } from "./presence.js";
import { PresenceHolder } from "./presence-holder.js";
import { bareOf, domainOfJid } from "./jid.js";
import { SessionMemo } from "./session-memo.js";

/** What is needed to open one logged-in c2s session. */
export interface SessionOptions {
  service: string; // xmpp://host:port or xmpps://host:port
  domain: string;
  username: string;
  /** The password, or SCRAM keys from an earlier login of the same account. */
  password?: string;
  keys?: ScramKeys;
  resource?: string;
  iqTimeoutMs: number;
  connectTimeoutMs: number;
  /** PEM text of certificate authorities to trust besides Node's own, for STARTTLS. */
  tlsCa?: string;
  /** Told every IQ round trip, by the namespace of the IQ's child (metrics). */
  onIq?: IqObserver;
}

export type IqObserver = (namespace: string, durationMs: number, outcome: "ok" | "error" | "timeout") => void;

type StanzaListener = (stanza: Element) => void;
type CloseListener = (reason: Error | undefined) => void;

interface PendingIq {
  resolve: (reply: Element) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  expectedFrom: string | undefined;
}

/**
 * One logged-in XMPP client session (RFC 6120/6121) as the pool uses it: IQs pipelined
 * and matched by id with a timeout, a listener list for incoming stanzas, and presence
 * that is sent only while something holds it.
 *
 * It is composed from xmpp.js parts rather than `@xmpp/client` so that SCRAM runs on
 * node:crypto, XEP-0198 stays off (xmpp.js 0.14 never counts IQ replies it consumes,
 * so long-lived sessions get closed by the server), and no reconnect logic runs
 * behind the pool's back.
 */
export class XmppSession {
  /** Full JID bound by the server. */
  readonly jid: string;
  /** The account's bare JID, lower-case. */
  readonly bareJid: string;
  /** The account's (and its server's) domain. */
  readonly domain: string;
  /** SCRAM keys of the login, reusable for a reconnect without the password (none after PLAIN). */
  readonly keys: ScramKeys | undefined;
  /** The SASL mechanism the session logged in with. */
  readonly mechanism: SaslMechanismName;
  /** What the domains remember about this session; cleared when it closes. */
  readonly memo = new SessionMemo();
  private readonly pending = new Map<string, PendingIq>();
  private readonly stanzaListeners = new Set<StanzaListener>();
  private readonly closeListeners = new Set<CloseListener>();
  // IQ ids only need to be unique on this stream: a prefix and a counter are enough and
  // cheaper than random bytes per request.
  private readonly iqPrefix = randomBytes(4).toString("hex");
  private iqCounter = 0;
  /** Presence, carbons and priority (src/xmpp/presence-holder.ts). */
  private readonly presence = new PresenceHolder(this);
  private closed = false;
  private onIq: IqObserver | undefined;

  private constructor(
    private readonly client: Client,
    jid: string,
    login: SaslOutcome,
    private readonly iqTimeoutMs: number,
    /** The TCP socket, closed for sure when the session closes. */
    private readonly socket?: Socket,
  ) {
    this.jid = jid;
    this.bareJid = bareOf(jid);
    this.domain = domainOfJid(jid);
    this.keys = login.keys;
    this.mechanism = login.mechanism;
    client.on("stanza", (stanza: Element) => this.dispatch(stanza));
    // `disconnect` is the socket closing (server gone, network fault); `offline` follows stop().
    client.on("disconnect", () => this.markClosed(new XmppConnectionError("the XMPP connection closed")));
    client.on("offline", () => this.markClosed(new XmppConnectionError("the XMPP connection closed")));
    // Errors after login (stream errors, socket resets) end the session; `offline` follows.
    client.on("error", () => undefined);
  }

  /**
   * Connects (STARTTLS when offered), authenticates with the best SASL mechanism both sides
   * support (see chooseMechanism) and binds a resource.
   * @throws XmppAuthError when the server refuses the credentials or offers no mechanism
   *         we can use, XmppConnectionError when it cannot be reached or does not finish in time.
   */
  static async open(options: SessionOptions): Promise<XmppSession> {
    const { client, login, socket } = await XmppSession.connect(options, false);
    const session = new XmppSession(client, client.jid!.toString(), login, options.iqTimeoutMs, socket);
    session.onIq = options.onIq;
    return session;
  }

  /**
   * Proves credentials against the server on a fresh connection and closes it right after
   * SASL succeeds: no resource is bound, so no session starts and no one sees presence.
   * Cheaper than a login, and with stored keys no PBKDF2 runs.
   * @returns the outcome (mechanism and the keys that worked).
   * @throws what {@link open} throws.
   */
  static async prove(options: Omit<SessionOptions, "resource" | "iqTimeoutMs">): Promise<SaslOutcome> {
    return (await XmppSession.connect({ ...options, iqTimeoutMs: options.connectTimeoutMs }, true)).login;
  }

  private static async connect(options: SessionOptions, authenticateOnly: boolean) {
    const client = new Client({ service: options.service, domain: options.domain, timeout: options.connectTimeoutMs });
    tcp({ entity: client });
    tls({ entity: client });
    const middleware = createMiddleware({ entity: client });
    const streamFeatures = createStreamFeatures({ middleware });
    const iqCaller = createIqCaller({ middleware, entity: client });
    const iqCallee = createIqCallee({ middleware, entity: client });
    iqCallee.get("urn:xmpp:ping", "ping", () => ({}));
    // What the session supports, as its presence's caps announce (XEP-0115).
    iqCallee.get(NS_DISCO_INFO, "query", ({ element }: { element: Element }) => buildOwnDiscoInfo(element.attrs.node));
    // Pushes from the user's own server (RFC 6121 §2.1.6, XEP-0191 §3.3) are acknowledged
    // as the RFC asks; listeners (the event stream) read them like any other stanza.
    const acknowledgeOwnPush = ({ stanza }: { stanza: Element }) => isOwnPushSender(stanza.attrs.from, options) || undefined;
    iqCallee.set(NS_ROSTER, "query", acknowledgeOwnPush);
    iqCallee.set(NS_BLOCKING, "block", acknowledgeOwnPush);
    iqCallee.set(NS_BLOCKING, "unblock", acknowledgeOwnPush);
    useStartTls(streamFeatures, options.tlsCa);

    let login: SaslOutcome | undefined;
    let authenticated: () => void = () => undefined;
    const provenOnly = new Promise<void>((resolve) => (authenticated = resolve));
    useSasl(streamFeatures, { username: options.username, password: options.password, keys: options.keys }, (outcome) => {
      login = outcome;
      authenticated();
    });
    resourceBinding({ streamFeatures, iqCaller }, options.resource ?? newGatewayResource());

    // Without TCP_NODELAY a request's small writes wait for the peer's delayed ACK (~40 ms).
    let socket: Socket | null | undefined;
    client.on("connect", () => {
      socket = client.socket;
      socket?.setNoDelay(true);
      // xmpp.js drops its own listeners when it lets go of a socket that may still be open;
      // a reset arriving later (server killed) must not become an unhandled 'error'.
      socket?.on("error", () => undefined);
    });
    let failure: Error | undefined;
    const onError = (error: Error) => (failure ??= error);
    client.on("error", onError);

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new XmppConnectionError(`login did not complete within ${options.connectTimeoutMs} ms`)),
        options.connectTimeoutMs,
      );
    });
    try {
      const started = client.start();
      // In proof mode the stream is dropped after SASL; its start() then never settles.
      if (authenticateOnly) started.catch(() => undefined);
      await Promise.race([authenticateOnly ? Promise.race([provenOnly, started]) : started, deadline]);
      client.removeListener("error", onError);
      if (authenticateOnly) {
        // Proven: drop the connection before the restarted stream binds a resource.
        client.on("error", () => undefined);
        socket?.destroy();
        void client.stop().catch(() => undefined);
      }
      return { client, login: login!, socket: socket ?? undefined };
    } catch (error) {
      client.removeListener("error", onError);
      client.on("error", () => undefined);
      // No graceful close after a failed login: a server that stopped answering would keep
      // the socket open until the close handshake times out.
      // (xmpp.js may already have let go of the socket without closing it.)
      socket?.destroy();
      void client.stop().catch(() => undefined);
      throw classifyLoginError(failure ?? error);
    } finally {
      clearTimeout(timer);
    }
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Sends an IQ and resolves with the reply of type "result".
   * @throws StanzaError for a reply of type "error", XmppTimeoutError when no reply
   *         arrives in time, XmppConnectionError when the session closes first,
   *         XmlCharacterError when the stanza carries characters XML cannot.
   */
  iq(stanza: Element, timeoutMs = this.iqTimeoutMs): Promise<Element> {
    if (this.closed) return Promise.reject(new XmppConnectionError("the XMPP session is closed"));
    if (!isXmlSafe(stanza)) return Promise.reject(new XmlCharacterError());
    const id = stanza.attrs.id ?? (stanza.attrs.id = `${this.iqPrefix}${(++this.iqCounter).toString(36)}`);
    const reply = new Promise<Element>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new XmppTimeoutError(timeoutMs));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, expectedFrom: stanza.attrs.to?.toLowerCase() });
      this.client.send(stanza).catch((error: Error) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new XmppConnectionError(error.message));
      });
    });
    if (!this.onIq) return reply;
    const observe = this.onIq;
    const namespace = stanza.children.find((c): c is Element => typeof c !== "string")?.attrs.xmlns ?? "none";
    const started = performance.now();
    const report = (outcome: "ok" | "error" | "timeout") => observe(namespace, performance.now() - started, outcome);
    reply.then(() => report("ok"), (error: unknown) => report(error instanceof XmppTimeoutError ? "timeout" : "error"));
    return reply;
  }

  /** Sends a stanza that expects no reply. */
  async send(stanza: Element): Promise<void> {
    if (this.closed) throw new XmppConnectionError("the XMPP session is closed");
    // One bad character would get the user's shared session closed by the server.
    if (!isXmlSafe(stanza)) throw new XmlCharacterError();
    await this.client.send(stanza);
  }

  /** Registers a listener for every incoming stanza that is not an IQ reply; returns its remover. */
  onStanza(listener: StanzaListener): () => void {
    this.stanzaListeners.add(listener);
    return () => this.stanzaListeners.delete(listener);
  }

  /** Registers a listener called once when the session ends, for whatever reason. */
  onClose(listener: CloseListener): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * Makes the session available while the returned release function has not been called,
   * announcing what the user set (default online), with Message Carbons on and — unless the
   * user chose one — a priority that follows the user's own clients (PresenceHolder.hold).
   * @throws what {@link iq} and {@link send} throw when carbons or presence cannot be set.
   */
  holdPresence(): Promise<() => Promise<void>> {
    return this.presence.hold();
  }

  /**
   * Sends unavailable presence with a status, which servers record as the account's last
   * activity; a held presence is announced again at once (PresenceHolder.announceUnavailable).
   * @throws what {@link send} throws.
   */
  announceUnavailable(status: string): Promise<void> {
    return this.presence.announceUnavailable(status);
  }

  /**
   * The user's other available resources with their priority, learnt from presence
   * (PresenceHolder.glimpseResources: may make the session available for a round trip).
   */
  glimpseResources(): Promise<Map<string, number>> {
    return this.presence.glimpseResources();
  }

  /** Whether something currently holds the session's presence (a live subscription). */
  get isAvailable(): boolean {
    return this.presence.isHeld;
  }

  /**
   * The session's presence beyond what subscriptions hold: what the user set, what is
   * announced now, and brief availability for reads (PresenceHolder).
   */
  get ownPresence(): Pick<PresenceHolder, "setWanted" | "wantedPresence" | "announcedPresence" | "availabilityEpoch" | "borrow"> {
    return this.presence;
  }

  /** Closes the stream cleanly (RFC 6120 §4.4) and fails every pending IQ. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.markClosed(undefined);
    try {
      await this.client.stop();
    } catch {
      // The socket may already be gone; the session is closed either way.
    } finally {
      // A server that never answers the stream close must not keep the socket alive.
      this.socket?.destroy();
    }
  }

  private dispatch(stanza: Element): void {
    if (stanza.name === "iq" && (stanza.attrs.type === "result" || stanza.attrs.type === "error")) {
      const id = stanza.attrs.id;
      const pending = id === undefined ? undefined : this.pending.get(id);
      // A reply must come from the entity we asked, or our own server/account when we
      // asked no one: anything else could be a spoofed reply.
      if (pending && id !== undefined && this.isExpectedReplier(stanza.attrs.from, pending.expectedFrom)) {
        this.pending.delete(id);
        clearTimeout(pending.timer);
        if (stanza.attrs.type === "result") pending.resolve(stanza);
        else pending.reject(parseStanzaError(stanza));
      }
      return;
    }
    if (stanza.name === "presence") this.presence.track(stanza);
    for (const listener of this.stanzaListeners) {
      try {
        listener(stanza);
      } catch {
        // A faulty listener must not break delivery to the others.
      }
    }
  }

  private isExpectedReplier(from: string | undefined, expected: string | undefined): boolean {
    const sender = from?.toLowerCase();
    if (expected === undefined) {
      return sender === undefined || sender === this.bareJid || sender === this.jid.toLowerCase() ||
        sender === this.domain;
    }
    return sender === expected || (sender === undefined && expected === this.bareJid);
  }

  private markClosed(reason: Error | undefined): void {
    if (this.closed) return;
    this.closed = true;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new XmppConnectionError("the XMPP session closed before the reply arrived"));
      this.pending.delete(id);
    }
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners.clear();
    this.stanzaListeners.clear();
    this.memo.clear();
  }
}

/** Whether a push comes from the user's own account: no `from`, or the bare JID (RFC 6121 §2.1.6). */
function isOwnPushSender(from: string | undefined, options: SessionOptions): boolean {
  return from === undefined || from.toLowerCase() === `${options.username}@${options.domain}`.toLowerCase();
}

function classifyLoginError(error: unknown): Error {
  if (error instanceof XmppAuthError || error instanceof XmppConnectionError) return error;
  const e = error as { name?: string; condition?: string; message?: string; code?: string };
  if (e?.name === "SASLError") return new XmppAuthError(e.condition ?? "not-authorized");
  if (error instanceof ScramKeysOutdatedError) return new XmppAuthError("credentials-expired");
  // A password SASLprep refuses cannot log in anywhere. (A server whose SCRAM signature does
  // not verify falls through to a connection error: the fault is the server's, not the user's.)
  if (error instanceof PasswordPreparationError) return new XmppAuthError("malformed-request");
  return new XmppConnectionError(e?.message ?? String(error));
}
