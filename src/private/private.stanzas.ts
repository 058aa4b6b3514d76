import { xml, type Element } from "@xmpp/xml";

/*
 * Private XML Storage, XEP-0049 (https://xmpp.org/extensions/xep-0049.html): one element
 * per namespace kept for the account, read with an empty element of that name and
 * namespace (§2.3), written with the element itself.
 */

/** XEP-0049 §2: the private-storage namespace. */
export const NS_PRIVATE = "jabber:iq:private";

/**
 * XEP-0049 §2.3 reserves namespaces beginning with `jabber:` or `http://jabber.org/`, and
 * `vcard-temp`; servers may refuse them. `jabber:iq:private` itself is among them, and it
 * is what an element without its own namespace would inherit inside `<query/>`.
 */
export function isReservedNamespace(ns: string): boolean {
  return ns.startsWith("jabber:") || ns.startsWith("http://jabber.org/") || ns === "vcard-temp";
}

/**
 * The namespace an element itself declares: its `xmlns`, or for a prefixed name
 * (`p:name`) the `xmlns:p` declaration on it.
 * @returns the namespace, or undefined when the element declares none.
 */
export function namespaceOf(element: Element): string | undefined {
  const colon = element.name.indexOf(":");
  const ns = colon === -1 ? element.attrs.xmlns : element.attrs[`xmlns:${element.name.slice(0, colon)}`];
  return ns === undefined || ns === "" ? undefined : ns;
}

// XML 1.0 (fifth edition) §2.3 NameStartChar / NameChar, without ":" (an NCName).
const NAME_START = "A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}";
const NC_NAME = new RegExp(`^[${NAME_START}][${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*$`, "u");

/** Whether `name` can be an unprefixed element name (an XML NCName). */
export function isElementName(name: string): boolean {
  return NC_NAME.test(name);
}

/** A private-storage get for the element `name` in namespace `ns` (XEP-0049 §2.3). */
export function buildPrivateGet(name: string, ns: string): Element {
  return xml("iq", { type: "get" }, xml("query", { xmlns: NS_PRIVATE }, xml(name, { xmlns: ns })));
}

/** A private-storage set of one element (a copy: the caller's element is not re-parented). */
export function buildPrivateSet(element: Element): Element {
  return xml("iq", { type: "set" }, xml("query", { xmlns: NS_PRIVATE }, copyElement(element)));
}

function copyElement(element: Element): Element {
  return xml(element.name, { ...element.attrs }, ...element.children.map((c) => (typeof c === "string" ? c : copyElement(c as Element))));
}

/**
 * The element a private-storage result carries, detached from the reply. When the server
 * sent it without its own `xmlns`, it is given `ns`, the namespace it was stored under.
 * @returns the element, or null when the result holds none.
 */
export function parsePrivateResult(reply: Element, ns: string): Element | null {
  const stored = reply.getChild("query", NS_PRIVATE)?.getChildElements()[0];
  if (!stored) return null;
  stored.parent = null;
  if (namespaceOf(stored) === undefined && !stored.name.includes(":")) stored.attrs.xmlns = ns;
  return stored;
}

/** The empty element XEP-0049 answers when nothing is stored (and MongooseIM's default). */
export function emptyPrivateElement(name: string, ns: string): Element {
  return xml(name, { xmlns: ns });
}

/**
 * Serialises an element the way MongooseIM (exml) prints XML: attributes in single quotes,
 * `&`, `<`, `>`, `'` and `"` escaped in attribute values, `&`, `<` and `>` in text,
 * childless elements self-closed. Tabs, line feeds and carriage returns in attribute
 * values (and carriage returns in text) become character references, which XML parsers
 * would otherwise normalise away.
 */
export function serializeXml(element: Element): string {
  let out = `<${element.name}`;
  for (const [name, value] of Object.entries(element.attrs)) {
    if (value == null) continue;
    out += ` ${name}='${escapeAttribute(String(value))}'`;
  }
  if (element.children.length === 0) return `${out}/>`;
  out += ">";
  for (const child of element.children) {
    out += typeof child === "string" ? escapeText(child) : serializeXml(child as Element);
  }
  return `${out}</${element.name}>`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;", "<": "&lt;", ">": "&gt;", "'": "&apos;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;",
};

function escapeAttribute(value: string): string {
  return value.replace(/[&<>'"\t\n\r]/g, (c) => ESCAPES[c]!);
}

function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => ESCAPES[c]!);
}
