import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer, connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import type { Browser, Page } from "playwright-core";
import { xml } from "@xmpp/client";
import { buildWebChat } from "../../examples/web-chat/build.js";
import { befriend } from "../support/xmpp-client.js";
import { launchChromium } from "../support/chromium.js";
import { useGateway } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// The example web chat (examples/web-chat, issue 18) in a real headless Chromium: two users
// in two browser contexts and an independent XMPP client, against a gateway on a sandbox.
// Bob's page reaches the gateway through a TCP proxy the test can cut, to drop his network.
/** Set to a path (e.g. docs/web-chat.png) to save a screenshot of a conversation for the docs. */
const DOCS_SCREENSHOT = process.env.WEB_CHAT_SCREENSHOT;

// The page is built before the gateway starts (hooks run in order): the gateway reads it at startup.
beforeAll(() => buildWebChat(), 60_000);
const gw = useGateway(() => ({ TOKEN_SECRET: "web-chat-browser-test-secret-0123456789", TOKEN_STORE_PATH: join(mkdtempSync(join(tmpdir(), "web-chat-")), "revocations.json") }));

let browser: Browser;
let alice: SandboxUser;
let bob: SandboxUser;
let carol: SandboxUser;
let proxy: CuttableProxy;
let alicePage: Page;
let bobPage: Page;

beforeAll(async () => {
  browser = await launchChromium();
  [alice, bob, carol] = await gw.sandbox.createUsers(3, "webchat") as [SandboxUser, SandboxUser, SandboxUser];
  // alice and bob are contacts (each sees the other's presence); carol is a stranger to bob.
  const [a, b] = await Promise.all([gw.connect(alice, { resource: "setup" }), gw.connect(bob, { resource: "setup" })]);
  await befriend(a, b);
  await Promise.all([a.stop(), b.stop()]);
  proxy = await startProxy(Number(new URL(gw.url).port));
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
});

/** Opens a fresh browser context at `base` and logs `user` in; resolves once its stream is live. */
async function logIn(user: SandboxUser, base = gw.url, options: { token?: boolean } = {}): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1100, height: 700 } })).newPage();
  await page.goto(`${base}/chat/`);
  await fillLogin(page, user, options);
  return page;
}

async function fillLogin(page: Page, user: SandboxUser, { token = true }: { token?: boolean } = {}) {
  await page.locator("#login [name=jid]").fill(user.jid);
  await page.locator("#login [name=password]").fill(user.password);
  await page.locator("#login [name=token]").setChecked(token);
  await page.locator("#login button").click();
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 15_000 });
}

/** Screenshots of the pages under test-results/ when the current test fails, paths printed. */
function screenshotOnFailure(pages: () => Record<string, Page | undefined>) {
  onTestFailed(async ({ task }) => {
    mkdirSync("test-results", { recursive: true });
    for (const [name, page] of Object.entries(pages())) {
      if (!page || page.isClosed()) continue;
      const path = join("test-results", `web-chat-${task.name.replace(/\W+/g, "-").slice(0, 60)}-${name}.png`);
      await page.screenshot({ path, fullPage: true }).then(() => console.error(`screenshot: ${path}`), () => undefined);
    }
  });
}

const conversationOf = (page: Page, peer: SandboxUser) => page.locator(`.conversation[data-id="${peer.jid}"]`);

/** The ids of the messages shown, in order; each must appear once. */
async function shownIds(page: Page): Promise<string[]> {
  return page.locator("#messages .message").evaluateAll((els) => els.map((el) => el.getAttribute("data-id") ?? ""));
}

async function send(page: Page, body: string) {
  await page.locator("#composer [name=body]").fill(body);
  await page.locator("#composer [name=body]").press("Enter");
  await page.locator("#messages .message.mine .body", { hasText: body }).waitFor();
}

describe("the web chat in Chromium", () => {
  it("shows alice's message as an unread badge on bob's list live, and bob's typing on alice's side", async () => {
    screenshotOnFailure(() => ({ alice: alicePage, bob: bobPage }));
    // alice logs in with Basic credentials kept in memory, bob with a token.
    [alicePage, bobPage] = await Promise.all([logIn(alice, gw.url, { token: false }), logIn(bob, proxy.url)]);

    // The contacts, with presence dots: each sees the other online (their streams make them available).
    await alicePage.locator(`.contact[data-jid="${bob.jid}"] .dot.online`).waitFor();
    await alicePage.locator(`.contact[data-jid="${bob.jid}"]`).click();
    await send(alicePage, "hello bob");

    const badge = conversationOf(bobPage, alice).locator(".badge");
    await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe("1");
    await expect(conversationOf(bobPage, alice).locator(".last").textContent()).resolves.toBe("hello bob");


    // Bob opens it: the badge clears, and the message is there once.
    await conversationOf(bobPage, alice).click();
    await bobPage.locator("#messages .message .body", { hasText: "hello bob" }).waitFor();
    await expect(badge.count()).resolves.toBe(0);

    // Bob types: alice sees "typing…"; bob sends, it goes away.
    await bobPage.locator("#composer [name=body]").pressSequentially("hi al", { delay: 20 });
    await alicePage.locator("#typing", { hasText: "is typing…" }).waitFor({ timeout: 10_000 });
    await bobPage.locator("#composer [name=body]").press("Enter");
    await alicePage.locator("#messages .message .body", { hasText: "hi al" }).waitFor({ timeout: 10_000 });
    await expect.poll(() => alicePage.locator("#typing").textContent()).toBe("");
  });

  it("shows the read marker on alice's side once bob has seen her message", async () => {
    screenshotOnFailure(() => ({ alice: alicePage, bob: bobPage }));
    // Bob opened the chat in the test before, which read "hello bob": alice's message carries the marker.
    await alicePage.locator(".message.mine .read-marker").waitFor({ timeout: 10_000 });
    const marked = alicePage.locator(".message.mine", { has: alicePage.locator(".read-marker") });
    await expect(marked.locator(".body").textContent()).resolves.toBe("hello bob");
  });

  it("clears the badge on bob's other device when bob reads on this one", async () => {
    const bobPhone = await logIn(bob);
    screenshotOnFailure(() => ({ bob: bobPage, bobPhone }));
    // bob has alice's chat open here, so he reads her next message at once; the phone counted it unread.
    await send(alicePage, "read it anywhere");
    await bobPage.locator("#messages .message .body", { hasText: "read it anywhere" }).waitFor({ timeout: 10_000 });
    await expect.poll(() => conversationOf(bobPhone, alice).locator(".last").textContent(), { timeout: 10_000 }).toBe("read it anywhere");
    await expect.poll(() => conversationOf(bobPhone, alice).locator(".badge").count(), { timeout: 10_000 }).toBe(0);
    await bobPhone.context().close();
  });

  it("shows alice's correction, reaction and retraction on bob's page live", async () => {
    screenshotOnFailure(() => ({ alice: alicePage, bob: bobPage }));
    await send(alicePage, "typo mesage");
    await bobPage.locator("#messages .message .body", { hasText: "typo mesage" }).waitFor({ timeout: 10_000 });
    const id = await alicePage.locator("#messages .message.mine", { hasText: "typo mesage" }).getAttribute("data-id");
    const mine = alicePage.locator(`#messages .message[data-id="${id}"]`);
    const theirs = bobPage.locator("#messages .message", { hasText: /typo mes/ });

    alicePage.once("dialog", (dialog) => void dialog.accept("typo message"));
    await mine.hover();
    await mine.getByTitle("Edit").click();
    await theirs.locator(".body", { hasText: "typo message" }).waitFor({ timeout: 10_000 });
    await theirs.locator(".meta", { hasText: "edited" }).waitFor();

    await theirs.hover();
    await theirs.getByTitle("React 👍").click();
    await alicePage.locator("#messages .message.mine .reaction", { hasText: "👍 1" }).waitFor({ timeout: 10_000 });

    await mine.hover();
    await mine.getByTitle("Retract").click();
    await bobPage.locator("#messages .message.retracted").waitFor({ timeout: 10_000 });
    await expect(bobPage.locator("#messages .message.retracted .body").textContent()).resolves.toBe("This message was retracted.");
  });

  it("shows bob's new presence on alice's contacts, and lets bob accept a contact request", async () => {
    screenshotOnFailure(() => ({ alice: alicePage, bob: bobPage }));
    await bobPage.locator("#presence [name=show]").selectOption("DND");
    await bobPage.locator("#presence [name=status]").fill("in a meeting");
    await bobPage.locator("#presence button").click();
    const bobOnAlice = alicePage.locator(`.contact[data-jid="${bob.jid}"]`);
    await bobOnAlice.locator(".dot.dnd").waitFor({ timeout: 10_000 });
    await bobOnAlice.locator(".status", { hasText: "in a meeting" }).waitFor();

    // carol (a plain XMPP client) asks to see bob's presence; bob accepts on the page.
    const carolClient = await gw.connect(carol, { resource: "request" });
    await carolClient.send(xml("presence", { to: bob.jid, type: "subscribe" }));
    const request = bobPage.locator(`.request[data-jid="${carol.jid}"]`);
    await request.waitFor({ timeout: 10_000 });
    await request.getByRole("button", { name: "Accept" }).click();
    // Accepted: carol now receives bob's presence (servers differ on passing the `subscribed` itself on).
    await carolClient.waitFor((s) => s.is("presence") && s.attrs.type === undefined && s.attrs.from?.startsWith(`${bob.jid}/`) === true, 10_000);
    await request.waitFor({ state: "detached" });
    await carolClient.stop();

    // dave asks too; bob declines: dave's request is no longer pending, and he sees no presence of bob's.
    const dave = await gw.sandbox.createUser();
    const daveClient = await gw.connect(dave, { resource: "request" });
    await daveClient.send(xml("presence", { to: bob.jid, type: "subscribe" }));
    const daves = bobPage.locator(`.request[data-jid="${dave.jid}"]`);
    await daves.getByRole("button", { name: "Decline" }).click();
    await daves.waitFor({ state: "detached" });
    const pending = async () => (await gw.gql(`{ roster { getContact(contact: "${bob.jid}") { subscription ask } } }`, undefined, dave)).body.data?.roster?.getContact;
    await expect.poll(pending, { timeout: 10_000 }).toMatchObject({ subscription: "NONE", ask: expect.not.stringMatching(/SUBSCRIBE|OUT/) });
    expect(daveClient.received.some((s) => s.is("presence") && s.attrs.type === undefined && s.attrs.from?.startsWith(`${bob.jid}/`) === true)).toBe(false);
    await daveClient.stop();
  });

  it("shows a message from an independent XMPP client live, and the caller's own from another device", async () => {
    screenshotOnFailure(() => ({ alice: alicePage, bob: bobPage }));
    // alice on another device (a plain XMPP client) writes to bob: both pages show it live.
    const phone = await gw.connect(alice, { resource: "phone" });
    await phone.send(xml("message", { to: bob.jid, type: "chat", id: "phone-1" }, xml("body", {}, "from alice's phone")));
    await bobPage.locator("#messages .message .body", { hasText: "from alice's phone" }).waitFor({ timeout: 10_000 });
    await alicePage.locator("#messages .message.mine .body", { hasText: "from alice's phone" }).waitFor({ timeout: 10_000 });
    await phone.stop();

    // A stranger (carol, not in bob's roster) starts a new conversation: it appears on bob's list with its badge.
    const stranger = await gw.connect(carol, { resource: "raw" });
    await stranger.send(xml("message", { to: bob.jid, type: "chat" }, xml("body", {}, "hi from carol")));
    await expect.poll(() => conversationOf(bobPage, carol).locator(".badge").textContent(), { timeout: 10_000 }).toBe("1");
    await stranger.stop();

    // Favourites on top, whichever is newer.
    const order = () => bobPage.locator(".conversation").evaluateAll((els) => els.map((el) => el.getAttribute("data-id")));
    await conversationOf(bobPage, alice).locator(".star").click();
    await expect.poll(order, { timeout: 10_000 }).toEqual([alice.jid, carol.jid]);
    await conversationOf(bobPage, alice).locator(".star").click();
    await conversationOf(bobPage, carol).locator(".star").click();
    await expect.poll(order, { timeout: 10_000 }).toEqual([carol.jid, alice.jid]);
  });

  it("resumes after bob's network drops without losing or repeating a message", async () => {
    screenshotOnFailure(() => ({ alice: alicePage, bob: bobPage }));
    await conversationOf(bobPage, alice).click();
    await bobPage.locator("#messages .message .body", { hasText: "from alice's phone" }).waitFor();
    const before = await shownIds(bobPage);

    proxy.cut();
    await bobPage.locator('#connection[data-state="reconnecting"]').waitFor({ timeout: 10_000 });
    await send(alicePage, "while you were away 1");
    await send(alicePage, "while you were away 2");
    proxy.restore();

    await bobPage.locator('#connection[data-state="live"]').waitFor({ timeout: 20_000 });
    await bobPage.locator("#messages .message .body", { hasText: "while you were away 2" }).waitFor({ timeout: 10_000 });
    const after = await shownIds(bobPage);
    expect(new Set(after).size).toBe(after.length);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(await bobPage.locator("#messages .message .body").allTextContents()).toEqual(expect.arrayContaining(["while you were away 1", "while you were away 2"]));
    expect(after).toHaveLength(before.length + 2);
  });

  it("shows the same conversation once after bob's page is reloaded mid-conversation", async () => {
    screenshotOnFailure(() => ({ alice: alicePage, bob: bobPage }));
    const before = await shownIds(bobPage);
    await bobPage.reload();
    // A reload forgets the token (memory only): bob logs in again.
    await fillLogin(bobPage, bob);
    await conversationOf(bobPage, alice).or(bobPage.locator(`.contact[data-jid="${alice.jid}"]`)).first().click();
    await expect.poll(() => shownIds(bobPage), { timeout: 10_000 }).toEqual(before);

    await send(alicePage, "after the reload");
    await bobPage.locator("#messages .message .body", { hasText: "after the reload" }).waitFor({ timeout: 10_000 });
    const after = await shownIds(bobPage);
    expect(after).toEqual([...before, after.at(-1)]);
    expect(new Set(after).size).toBe(after.length);
  });

  it("starts a room with bob and carol and a subject, and changes the subject; bob sees both live", async () => {
    screenshotOnFailure(() => ({ alice: alicePage, bob: bobPage }));
    const form = alicePage.locator("#new-chat");
    await alicePage.locator("details summary", { hasText: "New chat" }).click();
    await form.locator("[name=invitees]").fill(`${bob.jid}, ${carol.jid}`);
    await form.locator("[name=subject]").fill("Owl sightings");
    await form.locator("[name=message]").fill("Welcome to the room");
    await form.locator("button").click();
    await alicePage.locator("#conversation-header .subject", { hasText: "Owl sightings" }).waitFor({ timeout: 15_000 });
    const room = await alicePage.locator(".conversation.open").getAttribute("data-id");
    expect(room?.endsWith(`@${gw.sandbox.mucDomain}`)).toBe(true);

    // bob was invited: the room shows up on his list with the first message, live.
    const bobsRoom = bobPage.locator(`.conversation[data-id="${room}"]`);
    await bobsRoom.locator(".last", { hasText: "Welcome to the room" }).waitFor({ timeout: 15_000 });
    await bobsRoom.locator(".name", { hasText: "Owl sightings" }).waitFor({ timeout: 10_000 });
    await bobsRoom.click();
    await bobPage.locator("#messages .message .body", { hasText: "Welcome to the room" }).waitFor({ timeout: 10_000 });

    await bobPage.locator("#composer [name=body]").fill("hoo hoo");
    await bobPage.locator("#composer [name=body]").press("Enter");
    await bobPage.locator("#messages .message .body", { hasText: "hoo hoo" }).waitFor({ timeout: 10_000 });
    await alicePage.locator("#messages .message .body", { hasText: "hoo hoo" }).waitFor({ timeout: 10_000 });

    // bob's network drops while alice writes in the room: room messages are not replayed by
    // the stream (they are in the room's archive), so the page reads the room again once back.
    proxy.cut();
    await bobPage.locator('#connection[data-state="reconnecting"]').waitFor({ timeout: 10_000 });
    const before = await shownIds(bobPage);
    await alicePage.locator("#composer [name=body]").fill("did you see that one?");
    await alicePage.locator("#composer [name=body]").press("Enter");
    await alicePage.locator("#messages .message .body", { hasText: "did you see that one?" }).waitFor();
    proxy.restore();
    await bobPage.locator('#connection[data-state="live"]').waitFor({ timeout: 20_000 });
    await bobPage.locator("#messages .message .body", { hasText: "did you see that one?" }).waitFor({ timeout: 10_000 });
    const after = await shownIds(bobPage);
    expect(after).toHaveLength(before.length + 1);
    expect(new Set(after).size).toBe(after.length);

    alicePage.once("dialog", (dialog) => void dialog.accept("Owls at night"));
    await alicePage.locator("#conversation-header .set-subject").click();
    await bobPage.locator("#conversation-header .subject", { hasText: "Owls at night" }).waitFor({ timeout: 10_000 });
    if (DOCS_SCREENSHOT) await alicePage.screenshot({ path: DOCS_SCREENSHOT });
  });

  it("shows carol's unread count from the list after a reload, and pages her history backwards as bob scrolls up", async () => {
    screenshotOnFailure(() => ({ bob: bobPage }));
    const stranger = await gw.connect(carol, { resource: "many" });
    for (let i = 1; i <= 40; i++) await stranger.send(xml("message", { to: bob.jid, type: "chat" }, xml("body", {}, `carol ${i}`)));
    await stranger.stop();
    await conversationOf(bobPage, carol).locator(".last", { hasText: "carol 40" }).waitFor({ timeout: 10_000 });
    // A reload forgets what the page held (and the token): the history now comes from the archive, a page at a time.
    await bobPage.reload();
    await fillLogin(bobPage, bob);
    // bob never opened carol's chat: all 41 of her messages ("hi from carol" and these) are unread.
    await expect.poll(() => conversationOf(bobPage, carol).locator(".badge").textContent(), { timeout: 10_000 }).toBe("41");
    await conversationOf(bobPage, carol).click();
    await bobPage.locator("#messages .message .body", { hasText: "carol 40" }).waitFor({ timeout: 10_000 });
    // The first page holds the newest 25; scrolling to the top reads the rest.
    expect(await shownIds(bobPage)).toHaveLength(25);
    await expect.poll(async () => {
      await bobPage.locator("#messages").evaluate((el) => { el.scrollTop = 0; });
      return (await shownIds(bobPage)).length;
    }, { timeout: 10_000 }).toBe(41);
    expect(new Set(await shownIds(bobPage)).size).toBe(41);
    const bodies = await bobPage.locator("#messages .message .body").allTextContents();
    expect(bodies).toEqual(["hi from carol", ...Array.from({ length: 40 }, (_, i) => `carol ${i + 1}`)]);
    await bobPage.locator("#messages .more", { hasText: "Start of the conversation" }).waitFor();
  });

  it("sends bob back to the login form, saying why, once his token is revoked", async () => {
    screenshotOnFailure(() => ({ bob: bobPage }));
    const revoked = await gw.gql("mutation { token { revokeToken } }", undefined, bob);
    expect(revoked.body.errors).toBeUndefined();
    await bobPage.locator("#presence button").click();
    await bobPage.locator("#login-error", { hasText: "no longer accepts your login" }).waitFor({ timeout: 10_000 });
    await expect(bobPage.locator("#chat").isHidden()).resolves.toBe(true);
  });
});

interface CuttableProxy {
  url: string;
  /** Drops every connection and refuses new ones, as a lost network does. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy to the gateway that the test can cut. */
async function startProxy(target: number): Promise<CuttableProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = connect(target, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
