import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { useGateway } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// muc_light.getBlockingList / setBlockingList, mapped onto XEP-0191 blocking.
const gw = useGateway();

const raw = (user: SandboxUser, resource: string) => gw.connect(user, { resource });

const SET = "mutation($items: [BlockingInput!]!) { muc_light { setBlockingList(items: $items) } }";
const GET = "{ muc_light { getBlockingList { entityType action entity } } }";

describe("blocking list", () => {
  it("starts empty, blocks users and rooms, and lists them as DENY items", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    expect((await gw.gql(GET, undefined, alice)).body.data.muc_light.getBlockingList).toEqual([]);
    const room = `room-${Date.now()}@${gw.sandbox.mucDomain}`;
    const set = await gw.gql(SET, { items: [{ entityType: "USER", entity: bob!.jid }, { entityType: "ROOM", action: "DENY", entity: room }] }, alice);
    expect(set.body.data.muc_light.setBlockingList).toBe("User blocking list updated successfully");
    const list = (await gw.gql(GET, undefined, alice)).body.data.muc_light.getBlockingList;
    expect(list).toEqual(expect.arrayContaining([
      { entityType: "USER", action: "DENY", entity: bob!.jid },
      { entityType: "ROOM", action: "DENY", entity: room },
    ]));
    expect(list).toHaveLength(2);
  });

  it("a blocked user's messages no longer reach the caller; ALLOW lets them through again", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const aliceClient = await raw(alice!, "phone");
    const bobClient = await raw(bob!, "laptop");
    await gw.gql(SET, { items: [{ entityType: "USER", action: "DENY", entity: bob!.jid }] }, alice);
    const seen = await aliceClient.iq(xml("iq", { type: "get" }, xml("blocklist", { xmlns: "urn:xmpp:blocking" })));
    expect(seen.getChild("blocklist")!.getChildren("item").map((i) => i.attrs.jid)).toEqual([bob!.jid]);

    await bobClient.send(xml("message", { to: alice!.jid, type: "chat" }, xml("body", {}, "blocked?")));
    const bounce = await bobClient.waitFor((s) => s.name === "message" && s.attrs.type === "error");
    expect(bounce.attrs.from).toBe(alice!.jid);
    expect(aliceClient.received.some((s) => s.getChildText?.("body") === "blocked?")).toBe(false);

    await gw.gql(SET, { items: [{ entityType: "USER", action: "ALLOW", entity: bob!.jid }] }, alice);
    expect((await gw.gql(GET, undefined, alice)).body.data.muc_light.getBlockingList).toEqual([]);
    await bobClient.send(xml("message", { to: alice!.jid, type: "chat" }, xml("body", {}, "hello again")));
    await aliceClient.waitFor((s) => s.name === "message" && s.getChildText("body") === "hello again");
  });

  it("refuses a malformed entity at argument checking", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(SET, { items: [{ entityType: "USER", entity: "bad@" }] }, alice);
    expect(r.status).toBe(400);
    expect(r.body.errors?.[0]?.extensions?.code).toBe("input_coercion");
  });
});
