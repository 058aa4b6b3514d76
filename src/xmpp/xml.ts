/**
 * The XML element type used across the project: xmpp.js's (ltx) element, so that parsed
 * input can be sent on a session without re-parsing.
 */
export { Element as XmlElement, xml } from "@xmpp/xml";

import type { Element } from "@xmpp/xml";
/** What an XmlElement field may resolve to: an element, or XML already serialised. */
export type XmlElementOutput = Element | string;
