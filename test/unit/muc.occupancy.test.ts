import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "../../src/xmpp/session.js";
import { MucOccupancy } from "../../src/muc/muc.occupancy.js";
import { RoomReentry } from "../../src/muc/muc.reentry.js";
import { SessionMemo } from "../../src/xmpp/session-memo.js";
import { StanzaError, XmppConnectionError } from "../../src/xmpp/errors.js";

const NS_MUC_USER = "http://jabber.org/protocol/muc#user";
const NS_MUC_OWNER = "http://jabber.org/protocol/muc#owner";
const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";
const ROOM = "lounge@muc.example.org";

/**
 * A session whose "server" is one MUC room: a join is answered with the occupant's own
 * presence (status 110, plus 201 when the room did not exist: the join created it), a
 * destroy with the unavailable presence carrying <destroy/> (no status 110, like
 * ejabberd's) and an IQ result, disco#info of a missing room with `item-not-found`.
 */
function fakeSession(jid: string, room: { exists: boolean }) {
  const listeners = new Set<(s: Element) => void>();
  const closers = new Set<(reason?: Error) => void>();
  const sent: Element[] = [];
  let open = true;
  const emit = (stanza: Element) => queueMicrotask(() => listeners.forEach((l) => l(stanza)));
  const self = (to: string, type?: string, ...children: Element[]) =>
    xml("presence", { from: to, to: jid, ...(type ? { type } : {}) }, xml("x", { xmlns: NS_MUC_USER }, ...children));
  const session = {
    jid,
    bareJid: jid.split("/")[0]!,
    memo: new SessionMemo(),
    get isOpen() {
      return open;
    },
    onStanza(l: (s: Element) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onClose(l: (reason?: Error) => void) {
      closers.add(l);
      return () => closers.delete(l);
    },
    async send(stanza: Element) {
      sent.push(stanza);
      const to = stanza.attrs.to as string;
      if (stanza.name !== "presence") return;
      if (stanza.attrs.type === "unavailable") {
        emit(self(to, "unavailable", xml("item", { affiliation: "owner", role: "none" }), xml("status", { code: "110" })));
        return;
      }
      const created = !room.exists;
      room.exists = true;
      emit(self(to, undefined, xml("item", { affiliation: "owner", role: "moderator", jid }), xml("status", { code: "110" }),
        ...(created ? [xml("status", { code: "201" })] : [])));
    },
    async iq(stanza: Element) {
      sent.push(stanza);
      if (stanza.getChild("query", NS_DISCO_INFO) && !room.exists) throw new StanzaError("item-not-found", "cancel", undefined);
      if (stanza.getChild("query", NS_MUC_OWNER)?.getChild("destroy")) {
        room.exists = false;
        emit(self(`${ROOM}/ali`, "unavailable", xml("item", { affiliation: "none", role: "none" }), xml("destroy")));
      }
      return xml("iq", { type: "result" });
    },
    close(reason?: Error) {
      open = false;
      closers.forEach((c) => c(reason));
    },
  };
  return { session: session as unknown as XmppSession & { close(reason?: Error): void }, sent };
}

const destroys = (sent: Element[]) => sent.filter((s) => s.getChild("query", NS_MUC_OWNER)?.getChild("destroy"));
const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
};

describe("MucOccupancy after a fault", () => {
  it("enters the room again on the user's next session", async () => {
    const room = { exists: true };
    const reentry = new RoomReentry({ maxUsers: 10, keepMs: 60_000, timeoutMs: 10_000 });
    const first = fakeSession("alice@example.org/graphql-1", room);
    reentry.attach(first.session);
    await MucOccupancy.of(first.session).enter(ROOM, "ali");
    first.session.close(new XmppConnectionError("connection lost"));

    const next = fakeSession("alice@example.org/graphql-2", room);
    reentry.attach(next.session);
    await until(() => MucOccupancy.of(next.session).get(ROOM) !== undefined);
    expect(MucOccupancy.of(next.session).get(ROOM)?.nick).toBe("ali");
    expect(destroys(next.sent)).toEqual([]);
  });

  it("does not re-create a room that is gone: the room its entry created is destroyed", async () => {
    const room = { exists: true };
    const reentry = new RoomReentry({ maxUsers: 10, keepMs: 60_000, timeoutMs: 10_000 });
    const first = fakeSession("bob@example.org/graphql-1", room);
    reentry.attach(first.session);
    await MucOccupancy.of(first.session).enter(ROOM, "ali");
    first.session.close(new XmppConnectionError("server restarted"));
    room.exists = false; // a temporary room does not survive the restart

    const next = fakeSession("bob@example.org/graphql-2", room);
    reentry.attach(next.session);
    await until(() => destroys(next.sent).length === 1);
    // ejabberd's destruction notice has no status 110 and no JID: it still ends our occupancy.
    await until(() => MucOccupancy.of(next.session).get(ROOM) === undefined);
    expect(room.exists).toBe(false);
    expect(MucOccupancy.of(next.session).joinedRooms()).toEqual([]);
  });

  it("restores nothing after a clean close", async () => {
    const room = { exists: true };
    const reentry = new RoomReentry({ maxUsers: 10, keepMs: 60_000, timeoutMs: 10_000 });
    const first = fakeSession("carol@example.org/graphql-1", room);
    reentry.attach(first.session);
    await MucOccupancy.of(first.session).enter(ROOM, "ali");
    first.session.close();

    const next = fakeSession("carol@example.org/graphql-2", room);
    reentry.attach(next.session);
    // The marker: entering the room ourselves. Work on one room is serialised, so a
    // re-entry that attach() started would be sent first and make this one a no-op.
    const marker = await MucOccupancy.of(next.session).enter(ROOM, "ali");
    expect(marker.alreadyIn).toBe(false);
    expect(next.sent.map((s) => [s.name, s.attrs.to])).toEqual([["presence", `${ROOM}/ali`]]);
  });

  it("keeps rooms for a bounded number of users, for a bounded time", async () => {
    let now = 0;
    const reentry = new RoomReentry({ maxUsers: 2, keepMs: 1_000, timeoutMs: 10_000 }, () => now);
    for (const user of ["dave", "erin", "frank"]) {
      const first = fakeSession(`${user}@example.org/graphql-1`, { exists: true });
      reentry.attach(first.session);
      await MucOccupancy.of(first.session).enter(ROOM, user);
      first.session.close(new XmppConnectionError("connection lost"));
    }
    expect(reentry.size).toBe(2); // dave, the oldest, went first

    now = 2_000; // erin's and frank's rooms have expired
    const late = fakeSession("erin@example.org/graphql-2", { exists: true });
    reentry.attach(late.session);
    expect(MucOccupancy.of(late.session).joinedRooms()).toEqual([]);
    expect(late.sent).toEqual([]);
    expect(reentry.size).toBe(1);
  });
});
