// XML namespaces of the protocols the gateway speaks, with the section that defines each.

/** RFC 6121 §2: roster management. */
export const NS_ROSTER = "jabber:iq:roster";
/** XEP-0191: Blocking Command. */
export const NS_BLOCKING = "urn:xmpp:blocking";
/** XEP-0199: XMPP Ping (a round trip proving the server handled what was sent before). */
export const NS_PING = "urn:xmpp:ping";
/** XEP-0313: Message Archive Management, version 2. */
export const NS_MAM = "urn:xmpp:mam:2";
/** XEP-0059: Result Set Management (paging for MAM). */
export const NS_RSM = "http://jabber.org/protocol/rsm";
/** XEP-0004: Data Forms (MAM query filters). */
export const NS_DATA = "jabber:x:data";
/** XEP-0297: Stanza Forwarding (MAM results, carbons). */
export const NS_FORWARD = "urn:xmpp:forward:0";
/** XEP-0203: Delayed Delivery (timestamps of forwarded stanzas). */
export const NS_DELAY = "urn:xmpp:delay";
/** XEP-0280: Message Carbons. */
export const NS_CARBONS = "urn:xmpp:carbons:2";
/** XEP-0359: Unique and Stable Stanza IDs. */
export const NS_SID = "urn:xmpp:sid:0";
/** RFC 6120 §8.3: stanza error conditions. */
export const NS_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
/** XEP-0077: In-Band Registration (account changes, leaving a room). */
export const NS_REGISTER = "jabber:iq:register";
/** XEP-0030: Service Discovery. */
export const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
export const NS_DISCO_ITEMS = "http://jabber.org/protocol/disco#items";
