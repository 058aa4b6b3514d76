import { SaxesParser, type SaxesTagNS } from "saxes";
import { XmlElement } from "../xmpp/xml.js";
import { utf8Length } from "../xmpp/stringprep.js";

/**
 * Parses client-supplied XML into one element, refusing everything XMPP's restricted XML
 * (RFC 6120 section 11.1) refuses: DTDs, entity declarations and references other than the
 * five predefined ones and character references, comments and processing instructions.
 * A leading `<?xml …?>` declaration is accepted and ignored, as MongooseIM's exml does;
 * the text is always read as XML 1.0.
 */

/** Largest accepted input, in bytes of UTF-8. */
export const MAX_XML_ELEMENT_BYTES = 64 * 1024;
/** Deepest accepted element nesting; the root is at depth 1. */
export const MAX_XML_ELEMENT_DEPTH = 64;

/** Thrown by {@link parseXmlElement}; `reason` says what is wrong, with a line:column where known. */
export class XmlParseError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = "XmlParseError";
  }
}

type NsOptions = { xmlns: true; forceXMLVersion: true; defaultXMLVersion: "1.0" };

/**
 * Parses exactly one XML element, optionally surrounded by whitespace.
 * @returns the element as an xmpp.js (ltx) tree: attributes (namespace declarations
 *   included) as written, text unescaped, adjacent text and CDATA merged into one string.
 * @throws {XmlParseError} `expected <` when the text does not start with an element,
 *   `element too large` above {@link MAX_XML_ELEMENT_BYTES}, otherwise the parser's message.
 */
export function parseXmlElement(text: string): XmlElement {
  // One UTF-16 unit is at least one byte: a long string is refused before counting bytes.
  if (text.length > MAX_XML_ELEMENT_BYTES || utf8Length(text) > MAX_XML_ELEMENT_BYTES) {
    throw new XmlParseError("element too large");
  }
  if (!text.trimStart().startsWith("<")) throw new XmlParseError("expected <");

  const parser = new SaxesParser<NsOptions>({ xmlns: true, forceXMLVersion: true, defaultXMLVersion: "1.0" });
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;

  parser.on("error", (error) => {
    throw new XmlParseError(error.message);
  });
  // saxes never expands entities declared in a DTD, but the DTD itself is refused so that
  // the only entities are the predefined ones (anything else fails as "undefined entity").
  parser.on("doctype", () => parser.fail("DTDs are not allowed."));
  parser.on("processinginstruction", () => parser.fail("processing instructions are not allowed."));
  parser.on("comment", () => parser.fail("comments are not allowed."));
  parser.on("opentagstart", () => {
    if (open.length >= MAX_XML_ELEMENT_DEPTH) parser.fail("elements are nested too deeply.");
  });
  parser.on("opentag", (tag) => {
    const element = new XmlElement(tag.name, attributesOf(tag));
    open.at(-1)?.cnode(element);
    root ??= element;
    open.push(element);
  });
  parser.on("closetag", () => {
    open.pop();
  });
  // Text outside the root reaches here only as whitespace (saxes refuses anything else).
  const addText = (data: string): void => {
    const parent = open.at(-1);
    if (parent !== undefined) appendText(parent, data);
  };
  parser.on("text", addText);
  parser.on("cdata", addText);

  parser.write(text).close();
  // saxes refuses a document without a root, so this only guards the types.
  if (root === undefined) throw new XmlParseError("expected <");
  return root;
}

function attributesOf(tag: SaxesTagNS): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const attribute of Object.values(tag.attributes)) attrs[attribute.name] = attribute.value;
  return attrs;
}

function appendText(parent: XmlElement, data: string): void {
  const last = parent.children.length - 1;
  const previous = parent.children[last];
  if (typeof previous === "string") parent.children[last] = previous + data;
  else parent.children.push(data);
}
