import { describe, expect, it } from "vitest";
import { xml } from "@xmpp/xml";
import { useGateway } from "../support/use-gateway.js";
const gw = useGateway();
describe("scratch", () => {
  for (const dom of ["nowhere.invalid", "nowhere.example"]) it(dom, async () => {
    const [alice] = await gw.sandbox.createUsers(1);
    const c = await gw.connect(alice!, { resource: "raw" });
    const t0 = Date.now();
    await c.send(xml("message", { to: `x@${dom}`, type: "chat", id: "m1" }, xml("body", {}, "hi")));
    await c.send(xml("iq", { to: dom, type: "get", id: "p1" }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    const m = await c.waitFor((s) => s.attrs.id === "m1", 20000);
    const t1 = Date.now() - t0;
    const p = await c.waitFor((s) => s.attrs.id === "p1", 20000);
    console.log(dom, "msg bounce", t1, m.toString(), "ping", Date.now() - t0, p.toString());
    await c.send(xml("presence", { to: `x@${dom}`, type: "subscribe", id: "s1" }));
    const s = await c.waitFor((s) => s.attrs.id === "s1" || (s.name === "presence" && s.attrs.type === "error"), 20000).catch(() => null);
    console.log("subscribe", Date.now() - t0, s?.toString());
    expect(1).toBe(1);
  });
});
