/**
 * `npm run build:web-chat`: bundles the web chat into static files under dist/web-chat/,
 * which the gateway serves at /chat/ (WEB_CHAT). Asset names carry a content hash, so the
 * gateway can let browsers keep them for a year; index.html is rewritten to name them.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
/** Where the gateway looks for the page (src/app/web-chat.ts). */
export const WEB_CHAT_OUT = join(here, "../../dist/web-chat");

/** Builds the page into `outDir` (emptied first); resolves with the files written. */
export async function buildWebChat(outDir = WEB_CHAT_OUT): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(here, "src/main.ts"), style: join(here, "style.css") },
    outdir: outDir,
    entryNames: "[name]-[hash]",
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: "warning",
  });
  const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
  const named = (prefix: string, ext: string) => outputs.find((f) => f.startsWith(`${prefix}-`) && f.endsWith(ext))!;
  const html = readFileSync(join(here, "index.html"), "utf8")
    .replace('href="style.css"', `href="${named("style", ".css")}"`)
    .replace('src="app.js"', `src="${named("app", ".js")}"`);
  writeFileSync(join(outDir, "index.html"), html);
  return ["index.html", ...outputs];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = await buildWebChat();
  console.log(`web chat built into ${WEB_CHAT_OUT}: ${files.join(", ")}`);
}
