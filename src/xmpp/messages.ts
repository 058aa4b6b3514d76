import { randomBytes } from "node:crypto";
import type { Element } from "@xmpp/xml";

/*
 * Messages (RFC 6121 §5) as more than one protocol reads them: live, from an archive
 * (XEP-0313), forwarded (XEP-0297).
 */

/** One message as the API reports it (the GraphQL `StanzaMap`). */
export interface StanzaRecord {
  sender: string | null;
  timestamp: Date;
  stanza_id: string;
  stanza: Element;
  /**
   * The id the user's archive gave the message (XEP-0359 `<stanza-id by=user>` on live
   * messages, the result id in MAM): what catch-up after a reconnect dedupes by.
   */
  archiveId?: string;
}

/** A fresh stanza id: random, so ids never collide across gateway instances. */
export function newStanzaId(): string {
  return randomBytes(9).toString("base64url");
}

/**
 * A forwarded message keeps its parent link; serialising it alone must not climb out.
 * @returns the same element, detached and in jabber:client.
 */
export function detachForwarded(element: Element): Element {
  element.parent = null;
  if (!element.attrs.xmlns) element.attrs.xmlns = "jabber:client";
  return element;
}
