import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { useGateway } from "../support/use-gateway.js";

const FLUSH = "mutation($d: PosInt) { inbox { flushBin(days: $d) } }";
const NS_DISCO_INFO = "http://jabber.org/protocol/disco#info";

const gw = useGateway();

describe("inbox.flushBin", () => {
  it("Prosody advertises no inbox: an independent client's discovery finds none", async () => {
    const alice = await gw.sandbox.createUser();
    const client = await gw.connect(alice, { presence: false });
    for (const to of [gw.sandbox.domain, alice.jid]) {
      const info = await client.iq(xml("iq", { type: "get", to }, xml("query", { xmlns: NS_DISCO_INFO })));
      const features = info.getChild("query", NS_DISCO_INFO)!.getChildren("feature").map((f) => f.attrs.var);
      expect(features.length).toBeGreaterThan(0);
      expect(features.filter((f) => f?.includes("inbox"))).toEqual([]);
    }
  });

  it.each([[undefined], [30]])("answers MongooseIM's deps_not_loaded for mod_inbox (days: %s)", async (days) => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(FLUSH, days === undefined ? {} : { d: days }, alice);
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual({ inbox: { flushBin: null } });
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0]).toMatchObject({
      path: ["inbox", "flushBin"],
      message: "Some of the required modules are not loaded",
      extensions: { code: "deps_not_loaded", not_loaded_modules: ["mod_inbox"] },
    });
  });

  it("refuses days: 0 before execution (PosInt)", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(FLUSH, { d: 0 }, alice);
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "input_coercion" });
  });

  it("needs credentials", async () => {
    const r = await gw.gql(FLUSH, {});
    expect(r.status).toBe(401);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "no_permissions" });
  });
});
