import { xml, type Element } from "@xmpp/xml";
import type { HistoryScope } from "../../src/conversations/fold-history.js";
import type { StanzaRecord } from "../../src/xmpp/messages.js";

/** Fixtures of the unit tests that fold archived messages: alice's view of bob and a room. */
export const ME = "alice@example.org";
export const PEER = "bob@example.org";
export const ROOM = "room@muc.example.org";
export const oneToOne: HistoryScope = { ownBareJid: ME, room: null, ownNick: null };
export const inRoom: HistoryScope = { ownBareJid: ME, room: ROOM, ownNick: "alice" };

/** A chat message with a body and an id, to `to` (bob by default). */
export const chat = (body: string, id: string, to = PEER): Element => xml("message", { to, type: "chat", id }, xml("body", {}, body));

/**
 * An archive of one test file: `archived` stamps a stanza as sent by `from` and gives it the
 * next archive id (`a1`, `a2` …) and a timestamp one second after the previous one (or `at`).
 */
export function createArchive(): { archived(stanza: Element, from: string, at?: number): StanzaRecord; count(): number } {
  let n = 0;
  return {
    archived(stanza, from, at) {
      stanza.attrs.from = from;
      n += 1;
      return { sender: from, timestamp: new Date(at ?? 1_700_000_000_000 + n * 1000), stanza_id: `a${n}`, archiveId: `a${n}`, stanza };
    },
    count: () => n,
  };
}
