import { describe, expect, it } from "vitest";
import { ArchiveCursors } from "../../src/xmpp/archive-before.js";
import type { StanzaRecord } from "../../src/xmpp/messages.js";

const record = (archiveId: string, stamp: string): StanzaRecord =>
  ({ sender: null, timestamp: new Date(stamp), stanza_id: archiveId, stanza: null as never, archiveId }) as StanzaRecord;

describe("ArchiveCursors", () => {
  it("continues from a page's oldest message when `before` is the timestamp the API gave for it", () => {
    const cursors = new ArchiveCursors();
    cursors.notePage("bob@localhost", record("a3", "2024-05-06T07:08:09.412Z"));
    expect(cursors.continueFrom("bob@localhost", new Date("2024-05-06T07:08:09Z"))).toBe("a3");
    expect(cursors.continueFrom("", new Date("2024-05-06T07:08:09Z"))).toBeUndefined();
    expect(cursors.continueFrom("bob@localhost", new Date("2024-05-06T07:08:09.412Z"))).toBeUndefined();
    expect(cursors.continueFrom("bob@localhost", new Date("2024-05-06T07:08:10Z"))).toBeUndefined();
  });

  it("keeps a bounded number of page heads, forgetting the oldest", () => {
    const cursors = new ArchiveCursors();
    for (let i = 0; i < 100; i++) cursors.notePage("", record(`a${i}`, new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString()));
    expect(cursors.continueFrom("", new Date(Date.UTC(2024, 0, 1, 0, 0, 0)))).toBeUndefined();
    expect(cursors.continueFrom("", new Date(Date.UTC(2024, 0, 1, 0, 0, 99)))).toBe("a99");
  });
});
