import type { Element } from "@xmpp/xml";
import { StanzaError } from "../errors/xmpp-errors.js";
import { NS_STANZAS } from "./namespaces.js";

/**
 * Reads the `<error/>` child of a stanza of type "error" (RFC 6120 §8.3.2) into a
 * StanzaError. A reply without a usable error child becomes `undefined-condition`.
 */
export function parseStanzaError(stanza: Element): StanzaError {
  const error = stanza.getChild("error");
  const type = error?.attrs.type ?? "cancel";
  let condition = "undefined-condition";
  let text: string | undefined;
  let application: string | undefined;
  for (const child of error?.getChildElements() ?? []) {
    if (child.attrs.xmlns !== NS_STANZAS) application ??= child.name;
    else if (child.name === "text") text = child.text();
    else condition = child.name;
  }
  return new StanzaError(condition, type, text, application);
}
