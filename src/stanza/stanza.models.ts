import type { StanzaRecord } from "./stanza.stanzas.js";

/** What each event of `subscription { stanza { subscribeForMessages } }` carries. */
export interface MessageEvent {
  subscribeForMessages: StanzaRecord;
}
