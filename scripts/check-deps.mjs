#!/usr/bin/env node
// Every package the code imports is declared in package.json, and in the right section:
// what the shipped code (src/, scripts/sandbox/) imports is a dependency, the rest may be a
// devDependency; and no dependency is declared that the shipped code never imports.
// Exits 1 listing every problem. Run by .ci/run (npm run deps:check).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const dependencies = new Set(Object.keys(pkg.dependencies ?? {}));
const devDependencies = new Set(Object.keys(pkg.devDependencies ?? {}));

/** Code that `npm pack` ships and runs: its imports must be installed by `npm ci --omit=dev`. */
const SHIPPED = ["src", "scripts/sandbox"];
const SCANNED = ["src", "scripts", "bench", "test", "examples", "vitest.config.ts"];
const CODE = /\.(m|c)?[jt]s$/;
// Static and dynamic imports and require calls naming a package (relative paths are local).
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([@a-z][\w.@/-]*)["']/g;

function* files(path) {
  const full = join(root, path);
  if (statSync(full).isFile()) {
    if (CODE.test(path)) yield path;
    return;
  }
  for (const entry of readdirSync(full)) {
    if (entry === "node_modules" || entry === "generated") continue;
    yield* files(join(path, entry));
  }
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
const packageOf = (specifier) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
const isBuiltin = (name) => name.startsWith("node:") || builtinModules.includes(name);

const problems = [];
const usedByShipped = new Set();
for (const dir of SCANNED) {
  for (const file of files(dir)) {
    const shipped = SHIPPED.some((s) => file === s || file.startsWith(`${s}/`));
    // Module declarations (`declare module "x"`) describe a package, they do not import it.
    const text = readFileSync(join(root, file), "utf8").replace(/declare module\s+["'][^"']+["']/g, "");
    for (const [, specifier] of text.matchAll(IMPORT)) {
      const name = packageOf(specifier);
      if (isBuiltin(name) || name.startsWith("#")) continue;
      if (shipped) usedByShipped.add(name);
      const where = relative(root, join(root, file));
      if (!dependencies.has(name) && !devDependencies.has(name)) problems.push(`${where}: imports ${name}, which package.json does not declare`);
      else if (shipped && !dependencies.has(name)) problems.push(`${where}: shipped code imports ${name}, a devDependency (move it to dependencies)`);
    }
  }
}
// A package a used dependency needs beside it (its peer) counts as used too.
for (const name of [...usedByShipped]) {
  try {
    const manifest = JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8"));
    for (const peer of Object.keys(manifest.peerDependencies ?? {})) usedByShipped.add(peer);
  } catch {
    // not installed: the import check above already speaks for it
  }
}
for (const name of dependencies) {
  if (!usedByShipped.has(name)) problems.push(`package.json: dependency ${name} is not imported by shipped code (${SHIPPED.join(", ")}); remove it or move it to devDependencies`);
}

const unique = [...new Set(problems)];
if (unique.length > 0) {
  process.stderr.write(`${unique.join("\n")}\n${unique.length} problem(s)\n`);
  process.exit(1);
}
process.stdout.write(`every import is declared (${dependencies.size} dependencies, ${devDependencies.size} devDependencies)\n`);
