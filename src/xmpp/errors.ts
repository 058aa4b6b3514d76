import type { Element } from "@xmpp/xml";
import { NS_STANZAS } from "./namespaces.js";

/*
 * Failures of the XMPP side, as the protocol layer reports them (RFC 6120 §8.3 stanza
 * errors, plus what a connection can do wrong). Mapping them to API codes happens one
 * layer up (src/errors/map-error.ts), with a table per domain.
 */

/**
 * A stanza-level error returned by the XMPP server (RFC 6120 §8.3): the defined
 * condition, the error type and the optional human-readable text.
 */
export class StanzaError extends Error {
  override readonly name = "StanzaError";
  constructor(
    readonly condition: string,
    readonly type: string,
    readonly text: string | undefined,
    /** The application-specific condition element's name (RFC 6120 §8.3.4), e.g. `file-too-large`. */
    readonly application?: string,
  ) {
    super(text ? `${condition}: ${text}` : condition);
  }
}

/** An IQ got no answer in time (the server is slow, or dropped it). */
export class XmppTimeoutError extends Error {
  override readonly name = "XmppTimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`The XMPP server did not answer within ${timeoutMs} ms`);
  }
}

/** The XMPP connection closed (or could not be opened) while a request needed it. */
export class XmppConnectionError extends Error {
  override readonly name = "XmppConnectionError";
}

/**
 * A stanza would carry characters XML cannot (e.g. a control character in a message
 * body): sending it would make the server close the user's whole session.
 */
export class XmlCharacterError extends Error {
  override readonly name = "XmlCharacterError";
  constructor() {
    super("The input contains characters that XML cannot carry (control characters such as U+0007)");
  }
}

/** XmppAuthError condition when the server offers no SASL mechanism we implement. */
export const NO_MECHANISM = "no-supported-mechanism";

/** SASL refused the credentials (RFC 6120 §6.5 `not-authorized` and friends). */
export class XmppAuthError extends Error {
  override readonly name = "XmppAuthError";
  constructor(readonly condition: string) {
    super(`XMPP authentication failed: ${condition}`);
  }
}

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

/** Whether `error` is a stanza error with one of `conditions`. */
export function hasCondition(error: unknown, conditions: ReadonlySet<string>): error is StanzaError {
  return error instanceof StanzaError && conditions.has(error.condition);
}
