import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "./session.js";
import { NS_DISCO_ITEMS } from "./namespaces.js";
import { discoInfo } from "./disco.js";

/*
 * Flexible Offline Message Retrieval (XEP-0013, https://xmpp.org/extensions/xep-0013.html).
 * A client that asks for the headers of its offline messages before its initial presence
 * tells the server that it retrieves them itself, and the server then does not send them
 * to it when it becomes available. The gateway uses that only to become
 * available without taking the user's offline messages away from the user's own clients.
 */

/** XEP-0013's namespace, also the disco node of the offline messages. */
export const NS_OFFLINE = "http://jabber.org/protocol/offline";

/** The headers of the account's offline messages (XEP-0013): disco#items of the offline node. */
export function buildOfflineHeadersGet(): Element {
  return xml("iq", { type: "get" }, xml("query", { xmlns: NS_DISCO_ITEMS, node: NS_OFFLINE }));
}

/**
 * Tells the server, once per session, that this session will not take the user's offline
 * messages when it becomes available: asks for their headers where the account
 * advertises XEP-0013 (ejabberd's mod_offline does; Prosody does not, and sends offline
 * messages only to sessions of priority 0 or more).
 * @returns whether the server now holds them back from this session.
 * @throws the session's errors (StanzaError, timeouts) from the disco queries.
 */
export function holdBackOfflineMessages(session: XmppSession): Promise<boolean> {
  return session.memo.remember("xep-0013", async () => {
    if (!(await discoInfo(session, session.bareJid)).features.has(NS_OFFLINE)) return false;
    await session.iq(buildOfflineHeadersGet());
    return true;
  });
}
