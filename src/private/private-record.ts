import type { Element } from "@xmpp/xml";
import type { XmppSession } from "../xmpp/session.js";
import { orApiError } from "../errors/map-error.js";
import { buildPrivateGet, buildPrivateSet, parsePrivateResult } from "./private.stanzas.js";

/*
 * A record the gateway itself keeps in the user's private XML storage (XEP-0049): one
 * element per namespace, read whole and written whole. What several domains use to keep
 * state on the user's own server, so that restarts and other gateway instances see it.
 */

/**
 * The element stored under `name` / `ns`, or null when nothing is.
 * @throws ApiError when private storage cannot be read.
 */
export async function readPrivateRecord(session: XmppSession, name: string, ns: string): Promise<Element | null> {
  return parsePrivateResult(await orApiError(session.iq(buildPrivateGet(name, ns)), {}, { user: session.bareJid }), ns);
}

/**
 * Replaces the element stored under `element`'s namespace.
 * @throws ApiError when private storage cannot be written.
 */
export async function writePrivateRecord(session: XmppSession, element: Element): Promise<void> {
  await orApiError(session.iq(buildPrivateSet(element)), {}, { user: session.bareJid });
}
