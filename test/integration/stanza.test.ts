import { describe, expect, it } from "vitest";
import { useGateway } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

const gw = useGateway();

const raw = (user: SandboxUser, resource = "raw") => gw.connect(user, { resource });

const isChatFrom = (jid: string, body: string) => (s: { name: string; attrs: Record<string, string | undefined>; getChildText(n: string): string | null }) =>
  s.name === "message" && (s.attrs.from ?? "").startsWith(jid) && s.getChildText("body") === body;

describe("sending", () => {
  it("sendMessage delivers a chat message and returns its id", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const bobClient = await raw(bob!);
    const r = await gw.gql("mutation($to: JID!) { stanza { sendMessage(to: $to, body: \"hello\") { id } } }", { to: bob!.jid }, alice);
    const id = r.body.data.stanza.sendMessage.id;
    expect(id).toEqual(expect.any(String));
    const message = await bobClient.waitFor(isChatFrom(alice!.jid, "hello"));
    expect(message.attrs).toMatchObject({ type: "chat", id });
  });

  it("escapes message bodies: markup in a body is text, never a stanza injection", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const bobClient = await raw(bob!);
    const body = `</body><body>forged</body><x xmlns="urn:evil"/>&amp;<![CDATA[x]]>'"`;
    await gw.gql("mutation($to: JID!, $b: String!) { stanza { sendMessage(to: $to, body: $b) { id } } }", { to: bob!.jid, b: body }, alice);
    const message = await bobClient.waitFor((s) => s.name === "message" && (s.attrs.from ?? "").startsWith(alice!.jid));
    expect(message.getChildren("body")).toHaveLength(1);
    expect(message.getChildText("body")).toBe(body);
    expect(message.getChild("x", "urn:evil")).toBeUndefined();
  });

  it("refuses text XML cannot carry, and the user's session survives it", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const bobClient = await raw(bob!);
    const bad = await gw.gql("mutation($to: JID!, $b: String!) { stanza { sendMessage(to: $to, body: $b) { id } } }", { to: bob!.jid, b: "bell\u0007" }, alice);
    expect(bad.body.errors?.[0]?.extensions?.code).toBe("invalid_input");
    const named = await gw.gql("mutation($c: JID!, $n: String) { roster { addContact(contact: $c, name: $n) } }", { c: bob!.jid, n: "\u0000" }, alice);
    expect(named.body.errors?.[0]?.extensions?.code).toBe("invalid_input");
    await gw.gql("mutation($to: JID!, $b: String!) { stanza { sendMessage(to: $to, body: $b) { id } } }", { to: bob!.jid, b: "still here" }, alice);
    await bobClient.waitFor(isChatFrom(alice!.jid, "still here"));
  });

  it("sendMessage accepts the caller's own JID as from and refuses anyone else's", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const own = await gw.gql("mutation($f: JID, $to: JID!) { stanza { sendMessage(from: $f, to: $to, body: \"x\") { id } } }", { f: `${alice!.jid}/laptop`, to: bob!.jid }, alice);
    expect(own.body.data.stanza.sendMessage.id).toEqual(expect.any(String));
    const forged = await gw.gql("mutation($f: JID, $to: JID!) { stanza { sendMessage(from: $f, to: $to, body: \"x\") { id } } }", { f: bob!.jid, to: bob!.jid }, alice);
    expect(forged.body.data.stanza.sendMessage).toBeNull();
    expect(forged.body.errors![0]).toMatchObject({ message: "Sender's JID is different from the user's JID", extensions: { code: "invalid_sender" } });
  });

  it("sendMessageHeadLine delivers a headline with subject and body", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const bobClient = await raw(bob!);
    const r = await gw.gql("mutation($to: JID!) { stanza { sendMessageHeadLine(to: $to, subject: \"News\", body: \"text\") { id } } }", { to: bobClient.jid }, alice);
    expect(r.body.data.stanza.sendMessageHeadLine.id).toEqual(expect.any(String));
    const message = await bobClient.waitFor((s) => s.name === "message" && s.attrs.type === "headline");
    expect(message.getChildText("subject")).toBe("News");
    expect(message.getChildText("body")).toBe("text");
  });

  it("sendMessageHeadLine to a bare JID reaches the user's online client", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const bobClient = await raw(bob!);
    const r = await gw.gql("mutation($to: JID!) { stanza { sendMessageHeadLine(to: $to, subject: \"Bare\", body: \"to all\") { id } } }", { to: bob!.jid }, alice);
    const id = r.body.data.stanza.sendMessageHeadLine.id;
    const message = await bobClient.waitFor((s) => s.name === "message" && s.attrs.id === id);
    expect(message.attrs.type).toBe("headline");
    expect(message.getChildText("body")).toBe("to all");
  });

  it("sendMessage and sendMessageHeadLine to a domain the server cannot reach answer remote_server_not_found", async () => {
    const alice = await gw.sandbox.createUser();
    for (const mutation of [
      "mutation($to: JID!) { stanza { sendMessage(to: $to, body: \"hi\") { id } } }",
      "mutation($to: JID!) { stanza { sendMessageHeadLine(to: $to, body: \"hi\") { id } } }",
    ]) {
      const started = Date.now();
      const r = await gw.gql(mutation, { to: "bob@nowhere.invalid" }, alice);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("remote_server_not_found");
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    // The user's own domain is not waited for: a local JID without an account is sent as before.
    const local = await gw.gql("mutation($to: JID!) { stanza { sendMessage(to: $to, body: \"hi\") { id } } }", { to: `nobody-${Date.now()}@${gw.sandbox.domain}` }, alice);
    expect(local.body.data.stanza.sendMessage.id).toEqual(expect.any(String));
  });

  it("sendStanza sends arbitrary XML, keeping the stanza's own id", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const bobClient = await raw(bob!);
    const stanza = `<message to='${bob!.jid}' id='my-id-1' type='chat'><body>raw</body><x xmlns='urn:example'>extra</x></message>`;
    const r = await gw.gql("mutation($s: XmlElement) { stanza { sendStanza(stanza: $s) { id } } }", { s: stanza }, alice);
    expect(r.body.data.stanza.sendStanza.id).toBe("my-id-1");
    const message = await bobClient.waitFor(isChatFrom(alice!.jid, "raw"));
    expect(message.getChild("x", "urn:example")?.text()).toBe("extra");
  });

  it("sendStanza generates an id when the stanza has none", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const r = await gw.gql("mutation($s: XmlElement) { stanza { sendStanza(stanza: $s) { id } } }", { s: `<message to='${bob!.jid}'><body>b</body></message>` }, alice);
    expect(r.body.data.stanza.sendStanza.id).toMatch(/.+/);
  });

  it("sendStanza refuses a stanza claiming to be from someone else, a missing or bad recipient, and non-stanzas", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const cases: Array<[string, string, string]> = [
      [`<message from='${bob!.jid}' to='${bob!.jid}'><body>x</body></message>`, "invalid_sender", "Sender's JID is different from the user's JID"],
      [`<message from='@@' to='${bob!.jid}'><body>x</body></message>`, "invalid_sender", "Invalid sender JID"],
      ["<message><body>x</body></message>", "no_recipient", "Missing recipient JID"],
      ["<message to='a@b@c'><body>x</body></message>", "invalid_recipient", "Invalid recipient JID"],
      ["<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "invalid_stanza", "Only message, presence and iq stanzas can be sent, not <starttls>"],
    ];
    for (const [stanza, code, message] of cases) {
      const r = await gw.gql("mutation($s: XmlElement) { stanza { sendStanza(stanza: $s) { id } } }", { s: stanza }, alice);
      expect(r.body.errors?.[0], stanza).toMatchObject({ message, extensions: { code } });
    }
  });

  it("sendStanza refuses bad XML and DTDs at argument checking", async () => {
    const alice = await gw.sandbox.createUser();
    for (const stanza of ["AAAABBBB", "<message>", '<!DOCTYPE m [<!ENTITY a "b">]><message to="x@y">&a;</message>']) {
      const r = await gw.gql("mutation($s: XmlElement) { stanza { sendStanza(stanza: $s) { id } } }", { s: stanza }, alice);
      expect(r.status, stanza).toBe(400);
      expect(r.body.errors?.[0]?.extensions?.code).toBe("input_coercion");
    }
  });
});

describe("archive", () => {
  it("getLastMessages returns the newest messages oldest first, filtered by with and before, capped at 50", async () => {
    const [alice, bob, carol] = await gw.sandbox.createUsers(3);
    const send = (from: SandboxUser, to: SandboxUser, body: string) =>
      gw.gql("mutation($to: JID!, $b: String!) { stanza { sendMessage(to: $to, body: $b) { id } } }", { to: to.jid, b: body }, from);
    const query = `query($with: JID, $limit: PosInt, $before: DateTime) { stanza { getLastMessages(with: $with, limit: $limit, before: $before) {
      limit stanzas { sender timestamp stanza_id stanza } } } }`;
    const bodyOf = (xmlText: string) => /<body>([^<]*)<\/body>/.exec(xmlText)?.[1];
    for (let i = 1; i <= 3; i++) await send(alice!, bob!, `to bob ${i}`);
    // A send returns once the stanza is on alice's stream; carol's goes on another stream,
    // which the server may handle first. Archived first, alice's messages come first.
    await expect.poll(async () => (await gw.gql(query, {}, alice)).body.data.stanza.getLastMessages.stanzas.length).toBe(3);
    await send(carol!, alice!, "from carol");

    await expect.poll(async () => (await gw.gql(query, {}, alice)).body.data.stanza.getLastMessages.stanzas.length).toBe(4);
    const all = (await gw.gql(query, {}, alice)).body.data.stanza.getLastMessages;
    expect(all.limit).toBe(50);
    expect(all.stanzas.map((s: { stanza: string }) => bodyOf(s.stanza))).toEqual(["to bob 1", "to bob 2", "to bob 3", "from carol"]);
    expect(all.stanzas[3].sender).toMatch(new RegExp(`^${carol!.jid}`));
    expect(all.stanzas[0].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(new Set(all.stanzas.map((s: { stanza_id: string }) => s.stanza_id)).size).toBe(4);

    const withBob = (await gw.gql(query, { with: bob!.jid, limit: 2 }, alice)).body.data.stanza.getLastMessages;
    expect(withBob.limit).toBe(2);
    expect(withBob.stanzas.map((s: { stanza: string }) => bodyOf(s.stanza))).toEqual(["to bob 2", "to bob 3"]);

    const capped = (await gw.gql(query, { limit: 500 }, alice)).body.data.stanza.getLastMessages;
    expect(capped.limit).toBe(50);

    const before = (await gw.gql(query, { before: "2000-01-01T00:00:00+02:00" }, alice)).body.data.stanza.getLastMessages;
    expect(before.stanzas).toEqual([]);
  });

  it("getLastMessages pages backwards by `before` = the oldest timestamp without losing or repeating same-second messages", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    const query = `query($before: DateTime) { stanza { getLastMessages(limit: 2, before: $before) { stanzas { timestamp stanza_id stanza } } } }`;
    type Row = { timestamp: string; stanza_id: string; stanza: string };
    const bodies = ["m1", "m2", "m3", "m4", "m5", "m6"];
    for (const b of bodies) {
      await gw.gql("mutation($to: JID!, $b: String!) { stanza { sendMessage(to: $to, body: $b) { id } } }", { to: bob!.jid, b }, alice);
    }
    await expect.poll(async () => (await gw.gql(query, {}, alice)).body.data.stanza.getLastMessages.stanzas.at(-1)?.stanza).toContain("<body>m6</body>");
    const pages: Row[][] = [];
    let before: string | undefined;
    for (;;) {
      const page: Row[] = (await gw.gql(query, before ? { before } : {}, alice)).body.data.stanza.getLastMessages.stanzas;
      if (page.length === 0) break;
      pages.unshift(page);
      before = page[0]!.timestamp;
    }
    const seen = pages.flat();
    expect(seen.map((r) => /<body>([^<]*)<\/body>/.exec(r.stanza)?.[1])).toEqual(bodies);
    expect(new Set(seen.map((r) => r.stanza_id)).size).toBe(bodies.length);
    // The six sends take well under a second, so at least one page boundary falls inside
    // one whole second: the case a time filter alone gets wrong.
    const sameSecondBoundary = pages.slice(1).some((page, i) => page[0]!.timestamp === pages[i]!.at(-1)!.timestamp);
    expect(sameSecondBoundary).toBe(true);
  });

  it("getLastMessages(before:) given a whole second no page ended at includes the messages stamped within it", async () => {
    const [alice, bob] = await gw.sandbox.createUsers(2);
    await gw.gql("mutation($to: JID!) { stanza { sendMessage(to: $to, body: \"only\") { id } } }", { to: bob!.jid }, alice);
    const query = `query($with: JID, $before: DateTime) { stanza { getLastMessages(with: $with, before: $before) { stanzas { timestamp } } } }`;
    const read = async (vars: Record<string, unknown>) => (await gw.gql(query, vars, alice)).body.data.stanza.getLastMessages.stanzas;
    await expect.poll(async () => (await read({ with: bob!.jid })).length).toBe(1);
    const [{ timestamp }] = await read({ with: bob!.jid });
    // That page was read with `with`: without it, no page ended at this second.
    expect(await read({ before: timestamp })).toEqual([{ timestamp }]);
    // Continuing the `with` page from its oldest message: nothing older.
    expect(await read({ with: bob!.jid, before: timestamp })).toEqual([]);
    const earlier = new Date(Date.parse(timestamp) - 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    expect(await read({ before: earlier })).toEqual([]);
  });

  it("refuses a limit of 0 and a date without an offset at argument checking", async () => {
    const alice = await gw.sandbox.createUser();
    const zero = await gw.gql("{ stanza { getLastMessages(limit: 0) { limit } } }", undefined, alice);
    expect(zero.status).toBe(400);
    expect(zero.body.errors?.[0]?.message).toBe('Input coercion failed for type PosInt with value 0. The reason it failed is: "Value is not a positive integer"');
    const date = await gw.gql('{ stanza { getLastMessages(before: "2024-01-01T00:00:00") { limit } } }', undefined, alice);
    expect(date.status).toBe(400);
    expect(date.body.errors?.[0]?.extensions?.code).toBe("input_coercion");
  });
});
