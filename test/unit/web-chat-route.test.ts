import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webChatRoutes } from "../../src/app/web-chat.js";
import type { Route } from "../../src/app/router.js";

// The /chat/ routes over a built page (a stand-in directory) and without one.
async function serve(routes: Record<string, Route>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? ""];
    if (route) return void route(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

describe("the web chat's routes", () => {
  let built: { url: string; server: Server };
  let missing: { url: string; server: Server };
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "web-chat-route-"));
    writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="app-ABC.js"></script>');
    writeFileSync(join(dir, "app-ABC.js"), "console.log(1)");
    writeFileSync(join(dir, "style-DEF.css"), "body{}");
    writeFileSync(join(dir, "notes.txt"), "not served");
    built = await serve(webChatRoutes(dir));
    const empty = join(dir, "empty");
    mkdirSync(empty);
    missing = await serve(webChatRoutes(empty));
  });
  afterAll(() => {
    built?.server.close();
    missing?.server.close();
  });

  it("serves the page revalidated on each load, with a policy that keeps it to its own origin", async () => {
    const res = await fetch(`${built.url}/chat/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toContain("connect-src 'self'");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toContain("app-ABC.js");
  });

  it("serves the hashed assets with their types, cached for a year, and nothing else", async () => {
    const js = await fetch(`${built.url}/chat/app-ABC.js`);
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).toBe("console.log(1)");
    expect((await fetch(`${built.url}/chat/style-DEF.css`)).headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await fetch(`${built.url}/chat/notes.txt`)).status).toBe(404);
  });

  it("redirects /chat to /chat/", async () => {
    const res = await fetch(`${built.url}/chat`, { redirect: "manual" });
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe("/chat/");
  });

  it("says how to build the page when it is not built", async () => {
    const res = await fetch(`${missing.url}/chat/`);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("npm run build:web-chat");
  });
});
