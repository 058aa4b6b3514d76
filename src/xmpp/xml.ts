/**
 * The XML element type used across the project: xmpp.js's (ltx) element, so that parsed
 * input can be sent on a session without re-parsing.
 */
export { Element as XmlElement, xml } from "@xmpp/xml";

import type { Element } from "@xmpp/xml";
/** What an XmlElement field may resolve to: an element, or XML already serialised. */
export type XmlElementOutput = Element | string;

// XML 1.0 §2.2 `Char`: anything else (C0 controls but tab/LF/CR, U+FFFE/U+FFFF, lone
// surrogates) is not well-formed, and a server closes the stream that carries it.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Whether `text` can be sent in an XMPP stream at all (XML 1.0 §2.2). */
export function isXmlText(text: string): boolean {
  return !NOT_XML_CHAR.test(text);
}

/** Whether every attribute value and text node of the tree is XML text (see isXmlText). */
export function isXmlSafe(element: Element): boolean {
  for (const value of Object.values(element.attrs)) if (value !== undefined && !isXmlText(value)) return false;
  for (const child of element.children) {
    if (typeof child === "string" ? !isXmlText(child) : !isXmlSafe(child)) return false;
  }
  return true;
}
