import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { PresenceHolder, type PresenceLink } from "../../src/xmpp/presence-holder.js";
import { buildCapsElement } from "../../src/xmpp/caps.js";

// Available presence carries the gateway's caps (XEP-0115), so that PEP pushes its +notify nodes.
const CAPS = buildCapsElement().toString();

/** A link that records what the holder sends, as stanza text. */
function recordingLink() {
  const sent: string[] = [];
  const link: PresenceLink = {
    jid: "alice@localhost/graphql-0123456789ab",
    bareJid: "alice@localhost",
    isOpen: true,
    iq: async (stanza: Element) => {
      sent.push(stanza.toString());
      return xml("iq", { type: "result" });
    },
    send: async (stanza: Element) => {
      sent.push(stanza.toString());
    },
  };
  return { link, sent };
}

const presences = (sent: string[]) => sent.filter((s) => s.startsWith("<presence"));

describe("PresenceHolder", () => {
  it("a stream announces what was set, at priority 0 alone, and goes unavailable when it ends", async () => {
    const { link, sent } = recordingLink();
    const holder = new PresenceHolder(link);
    await holder.setWanted({ show: "away", status: "lunch", priority: null, idleSince: new Date("2026-01-01T00:00:00Z") });
    // Without a stream: available, never routable.
    expect(presences(sent).at(-1)).toBe(`<presence><show>away</show><status>lunch</status><priority>-1</priority><idle xmlns="urn:xmpp:idle:1" since="2026-01-01T00:00:00.000Z"/>${CAPS}</presence>`);
    const release = await holder.hold();
    expect(sent.some((s) => s.includes("urn:xmpp:carbons:2"))).toBe(true);
    expect(presences(sent).at(-1)).toContain("<priority>0</priority>");
    expect(presences(sent).at(-1)).toContain("<show>away</show>");
    await release();
    expect(presences(sent).at(-1)).toBe(`<presence type="unavailable"/>`);
    expect(holder.availabilityEpoch).toBeUndefined();
  });

  it("an explicit priority is kept beside the user's clients; OFFLINE is unavailable with its status", async () => {
    const { link, sent } = recordingLink();
    const holder = new PresenceHolder(link);
    const release = await holder.hold();
    holder.track(xml("presence", { from: "alice@localhost/phone" }, xml("priority", {}, "5")));
    await holder.setWanted({ show: "dnd", status: null, priority: null, idleSince: null });
    expect(presences(sent).at(-1)).toBe(`<presence><show>dnd</show><priority>-1</priority>${CAPS}</presence>`);
    await holder.setWanted({ show: "chat", status: null, priority: 7, idleSince: null });
    expect(presences(sent).at(-1)).toBe(`<presence><show>chat</show><priority>7</priority>${CAPS}</presence>`);
    await holder.setWanted({ show: "offline", status: "bye", priority: null, idleSince: null });
    expect(presences(sent).at(-1)).toBe(`<presence type="unavailable"><status>bye</status></presence>`);
    await release();
    expect(presences(sent).filter((s) => s.includes("unavailable"))).toHaveLength(1);
  });

  it("borrows availability at priority -1 just for a read, and releases it", async () => {
    const { link, sent } = recordingLink();
    const holder = new PresenceHolder(link);
    const values = await Promise.all([holder.borrow(async () => undefined, () => holder.availabilityEpoch), holder.borrow(async () => undefined, () => holder.availabilityEpoch)]);
    expect(values).toEqual([1, 1]);
    expect(presences(sent)).toEqual([`<presence><priority>-1</priority>${CAPS}</presence>`, `<presence type="unavailable"/>`]);
  });
});
