import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

/*
 * The sandbox XMPP servers (scripts/sandbox/) are development tools, built apart from the
 * gateway into dist/sandbox/ (tsconfig.sandbox.json) so that the packed CLI can run them
 * without tsx. They are loaded at run time from wherever this module runs: next to the
 * build in dist/, or from the sources under tsx (`npm run dev`).
 */

export type SandboxKind = "prosody" | "ejabberd";

export interface SandboxUser {
  jid: string;
  password: string;
}

/** What the CLI uses of a running sandbox (scripts/sandbox/prosody.ts has the whole shape). */
export interface Sandbox {
  service: string;
  domain: string;
  mucDomain: string;
  dir: string;
  createUser(username?: string, password?: string): Promise<SandboxUser>;
  stop(): Promise<void>;
}

/** What the CLI uses of scripts/sandbox/xmpp-sandbox.ts (a unit test checks it still fits). */
export interface SandboxModule {
  parseSandboxKind(value: string | undefined): SandboxKind;
  startSandbox(kind: SandboxKind): Promise<Sandbox>;
}

/** The built file `name` (e.g. `cli.js`) of the sandbox, or its source under tsx. */
export function sandboxFile(name: string): string {
  const built = fileURLToPath(new URL(`../sandbox/${name}`, import.meta.url));
  if (existsSync(built)) return built;
  const source = fileURLToPath(new URL(`../../scripts/sandbox/${name.replace(/\.js$/, ".ts")}`, import.meta.url));
  if (existsSync(source)) return source;
  throw new Error(`the sandbox is not built (${built} is missing): run npm run build`);
}

/** Loads the sandbox module. @throws Error when neither the build nor the sources are there. */
export async function loadSandboxModule(): Promise<SandboxModule> {
  return (await import(pathToFileURL(sandboxFile("xmpp-sandbox.js")).href)) as SandboxModule;
}
