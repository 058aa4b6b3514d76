import { xml, type Element } from "@xmpp/xml";

/*
 * MongooseIM's inbox (https://esl.github.io/MongooseDocs/latest/open-extensions/inbox/):
 * the only XMPP inbox with a bin. Its `<empty-bin/>` request empties the caller's whole
 * bin and answers how many entries went. XEP-0430 (urn:xmpp:inbox:1) has no bin.
 */

/** MongooseIM's inbox namespace, also its disco#info feature on the user's domain. */
export const NS_ESL_INBOX = "erlang-solutions.com:xmpp:inbox:0";
/** XEP-0430 Inbox: discovered only to say why it cannot serve flushBin. */
export const NS_XEP_INBOX = "urn:xmpp:inbox:1";

/** `<empty-bin/>` (MongooseIM inbox, "Emptying the trash bin"): removes every bin entry. */
export function buildEmptyBin(): Element {
  return xml("iq", { type: "set" }, xml("empty-bin", { xmlns: NS_ESL_INBOX }));
}

/**
 * Reads an `<empty-bin/>` result.
 * @returns the number of removed entries, or null when the reply does not carry one.
 */
export function parseEmptyBinResult(reply: Element): number | null {
  const num = reply.getChild("empty-bin", NS_ESL_INBOX)?.getChildText("num")?.trim();
  return num !== undefined && /^\d{1,15}$/.test(num) ? Number(num) : null;
}
