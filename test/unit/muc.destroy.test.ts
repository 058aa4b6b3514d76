import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import type { XmppSession } from "../../src/xmpp/session.js";
import { destroyRoom } from "../../src/muc/muc.destroy.js";
import { StanzaError, XmppTimeoutError } from "../../src/xmpp/errors.js";

const ROOM = "lounge@muc.example.org";

/** A session whose room answers the destroy, then drops `dropped` requests (ejabberd's dying room), then is gone. */
function session(dropped: number) {
  const asked: Array<{ stanza: Element; timeoutMs: number | undefined }> = [];
  const fake = {
    async iq(stanza: Element, timeoutMs?: number) {
      asked.push({ stanza, timeoutMs });
      if (stanza.attrs.type === "set") return xml("iq", { type: "result" });
      if (dropped-- > 0) throw new XmppTimeoutError(timeoutMs ?? 0);
      throw new StanzaError("item-not-found", "cancel", undefined);
    },
  };
  return { session: fake as unknown as XmppSession, asked };
}

describe("destroyRoom", () => {
  it("returns once the room answers item-not-found, asking again when a request was dropped", async () => {
    const { session: s, asked } = session(2);
    await destroyRoom(s, ROOM, "bye");
    expect(asked.map((a) => a.stanza.attrs.type)).toEqual(["set", "get", "get", "get"]);
    expect(asked[0]!.stanza.getChild("query")?.getChild("destroy")?.getChildText("reason")).toBe("bye");
    // Short probes, not the session's full IQ timeout.
    expect(asked.slice(1).every((a) => a.timeoutMs !== undefined && a.timeoutMs <= 1000)).toBe(true);
  });

  it("passes on the room's refusal of the destroy", async () => {
    const fake = { iq: async () => { throw new StanzaError("forbidden", "auth", "Owner privileges required"); } } as unknown as XmppSession;
    await expect(destroyRoom(fake, ROOM)).rejects.toMatchObject({ condition: "forbidden" });
  });
});
