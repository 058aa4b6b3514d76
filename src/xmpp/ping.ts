import { xml, type Element } from "@xmpp/xml";
import { NS_PING } from "./namespaces.js";

/*
 * XMPP Ping (XEP-0199, https://xmpp.org/extensions/xep-0199.html), used as a barrier:
 * a server handles one session's stanzas in order, so its answer to a ping means that
 * everything sent before it was handled (routed, archived).
 */

/** A ping to the user's server (XEP-0199 §4.2): its reply comes after everything sent before it was handled. */
export function buildServerPing(domain: string): Element {
  return xml("iq", { type: "get", to: domain }, xml("ping", { xmlns: NS_PING }));
}
