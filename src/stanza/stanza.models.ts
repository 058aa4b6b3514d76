import type { StanzaRecord } from "../xmpp/messages.js";

/** What each event of `subscription { stanza { subscribeForMessages } }` carries. */
export interface MessageEvent {
  subscribeForMessages: StanzaRecord;
}
