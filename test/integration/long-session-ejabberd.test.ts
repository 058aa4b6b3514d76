import { describe, expect, it } from "vitest";
import { useGateway } from "../support/use-gateway.js";

// ejabberd closes a session that leaves more than 5 000 stanzas unacknowledged under
// XEP-0198 (xmpp.js 0.14 never counts IQ replies). The pool does not enable stream
// management, so one pooled session carries any number of requests.
// Only the ejabberd project runs this file (vitest.config.ts), so the sandbox is ejabberd.
const gw = useGateway();

describe("a long-lived pooled session on ejabberd", () => {
  it("answers 6 000 queries on one session, which stays up", async () => {
    expect(gw.sandbox.kind).toBe("ejabberd");
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const observer = await gw.connect(bob!, { resource: "observer" });
    // The recipient sees which session sent a message: the same before and after.
    const senderOf = async (body: string) => {
      await gw.gql("mutation($to: JID!, $b: String!) { stanza { sendMessage(to: $to, body: $b) { id } } }", { to: observer.jid, b: body }, alice);
      return (await observer.waitFor((s) => s.name === "message" && s.getChildText("body") === body)).attrs.from;
    };
    const before = await senderOf("before");
    let answered = 0;
    for (let batch = 0; batch < 120; batch++) {
      const results = await Promise.all(Array.from({ length: 50 }, () => gw.gql("{ roster { listContacts { jid } } }", undefined, alice)));
      answered += results.filter((r) => r.status === 200 && Array.isArray(r.body.data?.roster?.listContacts)).length;
    }
    expect(answered).toBe(6000);
    expect(gw.app.pool.size).toBe(1);
    expect(gw.app.pool.has(alice!.jid)).toBe(true);
    expect(await senderOf("after")).toBe(before);
    await observer.stop();
  }, 120_000);
});
