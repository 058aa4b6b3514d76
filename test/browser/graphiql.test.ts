import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { basicAuth } from "../support/gateway.js";
import { launchChromium } from "../support/chromium.js";
import { useGateway } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// GraphiQL runs a subscription (issue 17 item 6): in a real headless Chromium, the
// Headers tab's Authorization reaches graphql-ws, and a message sent to bob shows up in
// the result pane of the prefilled `Incoming` subscription.

const gw = useGateway();
let browser: Browser;
let alice: SandboxUser;
let bob: SandboxUser;

beforeAll(async () => {
  browser = await launchChromium();
  [alice, bob] = await gw.sandbox.createUsers(2) as [SandboxUser, SandboxUser];
});
afterAll(() => browser?.close());

describe("GraphiQL in Chromium", () => {
  it("runs the prefilled Incoming subscription as the Headers tab's user and shows bob's message", async () => {
    const page = await browser.newPage();
    const wsFrames: string[] = [];
    page.on("websocket", (ws) => ws.on("framesent", (frame) => wsFrames.push(String(frame.payload))));
    await page.goto(`${gw.url}/api/graphql`);
    await page.getByText("subscription Incoming").first().waitFor();

    // The Headers tab: replace whatever it holds with bob's Authorization.
    await page.getByRole("button", { name: /^headers$/i }).click();
    const headersEditor = page.locator(".graphiql-editor-tool .graphiql-editor:visible").last();
    await headersEditor.click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(JSON.stringify({ Authorization: basicAuth(bob) }));

    // The cursor inside the Incoming operation picks it; Ctrl+Enter runs it.
    await page.getByText("subscription Incoming").first().click();
    await page.keyboard.press("Control+Enter");

    // The subscription is live once graphql-ws carried it; send until one shows up.
    const result = page.locator(".result-window");
    let shown = false;
    for (let i = 0; i < 25 && !shown; i++) {
      const body = `hello-from-alice-${i}`;
      const sent = await gw.gql(`mutation { stanza { sendMessage(to: "${bob.jid}", body: "${body}") { id } } }`, undefined, alice);
      expect(sent.body.errors).toBeUndefined();
      shown = await result.getByText(body).first().waitFor({ timeout: 400 }).then(() => true, () => false);
    }
    const text = await result.innerText();
    expect(shown, `result pane: ${text}; frames sent: ${wsFrames.join(" | ")}`).toBe(true);
    expect(text).toContain(alice.jid);
    expect(text).not.toContain("no_permissions");
    // What GraphiQL sent over graphql-ws: the Headers tab rides on the subscribe message
    // (`extensions.headers`), not on connection_init, and the gateway reads it there.
    const subscribe = wsFrames.map((f) => JSON.parse(f)).find((m) => m.type === "subscribe");
    expect(subscribe.payload.extensions.headers.Authorization).toBe(basicAuth(bob));
    await page.close();
  });
});
