import { existsSync, readdirSync, readFileSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createStaticAsset } from "../server/static-asset.js";
import type { Route } from "./router.js";

/*
 * The example web chat (examples/web-chat), served at /chat/ when WEB_CHAT is on. Its
 * files are built by `npm run build:web-chat` into dist/web-chat/ — two levels above this
 * module both in src/app/ (tsx) and in dist/app/ (the built package).
 */
export const WEB_CHAT_PATH = "/chat/";
const BUILT = fileURLToPath(new URL("../../dist/web-chat/", import.meta.url));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
};

// The page talks only to this origin (fetch and graphql-ws) and loads nothing from elsewhere.
const PAGE_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/**
 * The routes of the web chat: `/chat/` (index.html, revalidated on every load), each
 * bundled asset under `/chat/` (content-hashed names, cached for a year), and `/chat`
 * redirecting to `/chat/`. Without a build, `/chat/` answers 503 saying how to build it.
 */
export function webChatRoutes(dir = BUILT): Record<string, Route> {
  const redirect: Route = (_req, res) => {
    res.writeHead(308, { location: WEB_CHAT_PATH });
    res.end();
  };
  if (!existsSync(join(dir, "index.html"))) {
    const missing: Route = (_req, res) => {
      res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
      res.end("The web chat is not built: run `npm run build:web-chat` (or `npm run build`) and restart the gateway.\n");
    };
    return { "/chat": redirect, [WEB_CHAT_PATH]: missing };
  }
  const routes: Record<string, Route> = { "/chat": redirect };
  for (const file of readdirSync(dir)) {
    const type = TYPES[extname(file)];
    if (!type) continue;
    const page = file === "index.html";
    const asset = createStaticAsset(readFileSync(join(dir, file), "utf8"), type, page ? "no-cache" : "public, max-age=31536000, immutable");
    routes[page ? WEB_CHAT_PATH : WEB_CHAT_PATH + file] = (req, res) => {
      for (const [name, value] of Object.entries(PAGE_HEADERS)) res.setHeader(name, value);
      asset(req, res);
    };
  }
  return routes;
}
