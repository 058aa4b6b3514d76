import { xml, type Element } from "@xmpp/xml";
import { NS_REGISTER } from "./namespaces.js";

/*
 * In-Band Registration (XEP-0077, https://xmpp.org/extensions/xep-0077.html): cancelling
 * a registration — one's account with the server (§3.2), or one's membership of a room
 * (XEP-0045 §7.10).
 */

/** `<iq type='set' to=entity><query xmlns='jabber:iq:register'><remove/></query></iq>` (XEP-0077 §3.2). */
export function buildUnregister(to: string): Element {
  return xml("iq", { type: "set", to }, xml("query", { xmlns: NS_REGISTER }, xml("remove")));
}
