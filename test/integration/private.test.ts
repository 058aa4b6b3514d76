import { describe, expect, it } from "vitest";
import { xml, type Element } from "@xmpp/xml";
import { SERVER } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { RawClient } from "../support/xmpp-client.js";
import { parseXmlElement } from "../../src/scalars/xml-element.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const NS_PRIVATE = "jabber:iq:private";
const GET = "query($e: String!, $ns: NonEmptyString!) { private { getPrivate(element: $e, nameSpace: $ns) } }";
const SET = "mutation($x: XmlElement!) { private { setPrivate(elementString: $x) } }";

const gw = useGateway();

const raw = (user: SandboxUser) => gw.connect(user, { presence: false });

/** What an independent client of the same account reads from private storage. */
async function storedSeenBy(client: RawClient, name: string, ns: string): Promise<Element> {
  const reply = await client.iq(xml("iq", { type: "get" }, xml("query", { xmlns: NS_PRIVATE }, xml(name, { xmlns: ns }))));
  return reply.getChild("query", NS_PRIVATE)!.getChildElements()[0]!;
}

/**
 * A namespace-aware, order-independent view of an element: names and attributes as
 * `{namespace}local`, namespace declarations dropped. Servers need not keep attribute
 * order or prefixes (Prosody rewrites `p:x` to `x xmlns=…`), only what they mean.
 */
function shape(element: Element | string, inherited: Readonly<Record<string, string>> = {}): unknown {
  const el = typeof element === "string" ? parseXmlElement(element) : element;
  const scope: Record<string, string> = { ...inherited };
  for (const [name, value] of Object.entries(el.attrs)) {
    if (value === undefined) continue;
    if (name === "xmlns") scope[""] = value;
    else if (name.startsWith("xmlns:")) scope[name.slice(6)] = value;
  }
  const expand = (name: string, isElement: boolean): string => {
    const colon = name.indexOf(":");
    if (colon === -1) return isElement ? `{${scope[""] ?? ""}}${name}` : name;
    return `{${scope[name.slice(0, colon)] ?? "?"}}${name.slice(colon + 1)}`;
  };
  const attrs = Object.entries(el.attrs)
    .filter(([name, value]) => value !== undefined && name !== "xmlns" && !name.startsWith("xmlns:"))
    .map(([name, value]) => [expand(name, false), value] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return {
    name: expand(el.name, true),
    attrs: Object.fromEntries(attrs),
    children: el.children.map((c) => (typeof c === "string" ? c : shape(c as Element, scope))),
  };
}

describe("setPrivate", () => {
  it("stores an element, echoes it with single-quoted attributes, and another client reads it back", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(SET, { x: `<my_element xmlns="alice:private:ns">DATA</my_element>` }, alice);
    expect(r.body).toEqual({ data: { private: { setPrivate: "<my_element xmlns='alice:private:ns'>DATA</my_element>" } } });
    const stored = await storedSeenBy(await raw(alice), "my_element", "alice:private:ns");
    expect(shape(stored)).toEqual(shape("<my_element xmlns='alice:private:ns'>DATA</my_element>"));
  });

  it("round-trips nested elements, prefixes, escaped text and attributes, and non-ASCII text", async () => {
    const alice = await gw.sandbox.createUser();
    const input =
      `<storage xmlns='storage:bookmarks' note="it's &quot;quoted&quot; &amp; &lt;ok&gt;">` +
      `<conference jid='room@muc.localhost' autojoin='true' name='Café ☕'><nick>Alice &amp; co &lt;3</nick></conference>` +
      `<url name='x' url='https://example.com/?a=1&amp;b=2'/>` +
      `<p:meta xmlns:p='urn:example:meta' p:level='2'>tab\tand\nnewline</p:meta>` +
      `</storage>`;
    const set = await gw.gql(SET, { x: input }, alice);
    expect(set.body.errors).toBeUndefined();
    expect(shape(set.body.data.private.setPrivate)).toEqual(shape(input));
    const get = await gw.gql(GET, { e: "storage", ns: "storage:bookmarks" }, alice);
    expect(shape(get.body.data.private.getPrivate)).toEqual(shape(input));
    expect(get.body.data.private.getPrivate).toContain(`note='it&apos;s &quot;quoted&quot; &amp; &lt;ok&gt;'`);
    const other = await storedSeenBy(await raw(alice), "storage", "storage:bookmarks");
    expect(other.getChild("conference")?.getChildText("nick")).toBe("Alice & co <3");
    expect(other.getChild("conference")?.attrs.name).toBe("Café ☕");
  });

  it("replaces what was stored under the same element and namespace", async () => {
    const alice = await gw.sandbox.createUser();
    await gw.gql(SET, { x: "<prefs xmlns='urn:example:prefs'><theme>dark</theme></prefs>" }, alice);
    await gw.gql(SET, { x: "<prefs xmlns='urn:example:prefs'><theme>light</theme></prefs>" }, alice);
    const get = await gw.gql(GET, { e: "prefs", ns: "urn:example:prefs" }, alice);
    expect(get.body.data.private.getPrivate).toBe("<prefs xmlns='urn:example:prefs'><theme>light</theme></prefs>");
  });

  it("refuses an element without its own namespace with invalid_input", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(SET, { x: "<prefs><theme>dark</theme></prefs>" }, alice);
    expect(r.status).toBe(200);
    expect(r.body.data.private.setPrivate).toBeNull();
    expect(r.body.errors![0]).toMatchObject({
      path: ["private", "setPrivate"],
      message: "The element must declare its own namespace (xmlns): private storage is kept per namespace",
      extensions: { code: "invalid_input", field: "elementString" },
    });
  });

  it.each(["jabber:client", "jabber:server", "jabber:iq:private", "vcard-temp", "http://jabber.org/protocol/disco#info"])(
    "refuses the reserved namespace %s (XEP-0049) and stores nothing",
    async (ns) => {
      const alice = await gw.sandbox.createUser();
      const r = await gw.gql(SET, { x: `<data xmlns='${ns}'>x</data>` }, alice);
      expect(r.body.data.private.setPrivate).toBeNull();
      expect(r.body.errors![0]!.extensions).toEqual({ code: "invalid_input", field: "elementString" });
      expect(r.body.errors![0]!.message).toContain(`The namespace ${ns} is reserved`);
      if (SERVER === "ejabberd" && ns === NS_PRIVATE) {
        // ejabberd refuses even to read an element in jabber:iq:private: nothing can be stored there.
        await expect(raw(alice).then((c) => storedSeenBy(c, "data", ns))).rejects.toMatchObject({ condition: "bad-request" });
        return;
      }
      // Prosody itself would have stored it: the refusal is the gateway's.
      const stored = await storedSeenBy(await raw(alice), "data", ns);
      expect(stored.children).toEqual([]);
    },
  );

  it("refuses text that is not one well-formed element before execution", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(SET, { x: "AAAABBBB" }, alice);
    expect(r.status).toBe(400);
    expect(r.body.errors![0]).toMatchObject({
      message: `Input coercion failed for type XmlElement with value <<"AAAABBBB">>. The reason it failed is: <<"expected <">>`,
      extensions: { code: "input_coercion" },
    });
  });

  it("on Prosody, a childless element is not kept: its attributes are lost (the read answers the empty element); ejabberd keeps it", async () => {
    const alice = await gw.sandbox.createUser();
    const set = await gw.gql(SET, { x: "<flag xmlns='urn:example:flag' on='yes'/>" }, alice);
    expect(set.body.data.private.setPrivate).toBe("<flag xmlns='urn:example:flag' on='yes'/>");
    const get = await gw.gql(GET, { e: "flag", ns: "urn:example:flag" }, alice);
    expect(get.body.data.private.getPrivate).toBe(
      SERVER === "ejabberd" ? "<flag xmlns='urn:example:flag' on='yes'/>" : "<flag xmlns='urn:example:flag'/>",
    );
  });
});

describe("getPrivate", () => {
  it("reads what the user's own XMPP client stored", async () => {
    const alice = await gw.sandbox.createUser();
    const client = await raw(alice);
    await client.iq(xml("iq", { type: "set" }, xml("query", { xmlns: NS_PRIVATE },
      xml("notes", { xmlns: "urn:example:notes" }, xml("note", { id: "1" }, "buy milk")))));
    const r = await gw.gql(GET, { e: "notes", ns: "urn:example:notes" }, alice);
    expect(r.body).toEqual({ data: { private: { getPrivate: "<notes xmlns='urn:example:notes'><note id='1'>buy milk</note></notes>" } } });
  });

  it("answers the empty element when nothing is stored, as MongooseIM does", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(GET, { e: "my_element", ns: "alice:private:ns" }, alice);
    expect(r.body).toEqual({ data: { private: { getPrivate: "<my_element xmlns='alice:private:ns'/>" } } });
  });

  it("keeps users apart: another user's storage is not visible", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    await gw.gql(SET, { x: "<secret xmlns='urn:example:secret'>alice only</secret>" }, alice);
    const r = await gw.gql(GET, { e: "secret", ns: "urn:example:secret" }, bob);
    expect(r.body.data.private.getPrivate).toBe("<secret xmlns='urn:example:secret'/>");
  });

  it("on Prosody, keys storage by element name and namespace (MongooseIM and ejabberd: by namespace only)", async () => {
    const alice = await gw.sandbox.createUser();
    await gw.gql(SET, { x: "<one xmlns='urn:example:shared'>1</one>" }, alice);
    const r = await gw.gql(GET, { e: "two", ns: "urn:example:shared" }, alice);
    expect(r.body.data.private.getPrivate).toBe(
      SERVER === "ejabberd" ? "<one xmlns='urn:example:shared'>1</one>" : "<two xmlns='urn:example:shared'/>",
    );
  });

  it("refuses a reserved namespace and an element name that is not an XML name with invalid_input", async () => {
    const alice = await gw.sandbox.createUser();
    const reserved = await gw.gql(GET, { e: "vCard", ns: "vcard-temp" }, alice);
    expect(reserved.body.data.private.getPrivate).toBeNull();
    expect(reserved.body.errors![0]!.extensions).toEqual({ code: "invalid_input", field: "nameSpace" });
    for (const e of ["", "1abc", "a b", "p:x", "<x>"]) {
      const r = await gw.gql(GET, { e, ns: "urn:example" }, alice);
      expect(r.body.errors![0]).toMatchObject({ message: `"${e}" is not an XML element name`, extensions: { code: "invalid_input", field: "element" } });
    }
  });

  it("refuses an empty namespace before execution", async () => {
    const alice = await gw.sandbox.createUser();
    const r = await gw.gql(GET, { e: "x", ns: "" }, alice);
    expect(r.status).toBe(400);
    expect(r.body.errors![0]!.extensions).toMatchObject({ code: "input_coercion" });
  });
});
