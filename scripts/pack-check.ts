/**
 * `npm run pack:check` (after `npm run build`): what `npm pack` ships works once installed
 * somewhere else with production dependencies only. Installs the packed tarball in a temp
 * dir, then runs its `xmpp-graphql` command: --help and --version answer; with no settings
 * it loads the whole gateway (an undeclared package fails here) and names the missing
 * ones; the shipped sandbox answers; and started with flags against a sandbox Prosody, it
 * serves /healthz and a query, a flag winning over the same environment variable.
 */
import { existsSync } from "node:fs";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startSandbox } from "./sandbox/xmpp-sandbox.js";
import { expectCheckAuth, freePort, run, runOk, startProcess, step, waitForOk } from "./ops/process-checks.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const pkg = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string };

function expect(condition: boolean, what: string, detail: string): void {
  if (!condition) throw new Error(`${what}\n${detail}`);
}

if (!existsSync(join(root, "dist/cli/main.js")) || !existsSync(join(root, "dist/sandbox/cli.js"))) {
  process.stderr.write("pack-check: dist/ is not built; run npm run build first\n");
  process.exit(1);
}

const work = await mkdtemp(join(tmpdir(), "xg-pack-"));
const sandbox = await startSandbox("prosody");
try {
  step("npm pack");
  const packed = await runOk("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], { cwd: root });
  const tarball = join(work, packed.trim().split("\n").pop()!);

  step("npm install --omit=dev of the tarball in a temp dir");
  const app = join(work, "app");
  await mkdir(app);
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "pack-check", private: true }));
  await runOk("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: app });
  const bin = join(app, "node_modules/.bin/xmpp-graphql");
  // A clean environment: nothing from this repository's shell leaks into the checks.
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };

  step("xmpp-graphql --help / --version");
  const help = await run(bin, ["--help"], { cwd: app, env });
  expect(help.code === 0 && help.stdout.includes("--xmpp-service <value>") && help.stdout.includes("sandbox"), "--help did not list the flags", help.stdout + help.stderr);
  const version = await run(bin, ["--version"], { cwd: app, env });
  expect(version.stdout.trim() === pkg.version, `--version did not print ${pkg.version}`, version.stdout + version.stderr);

  step("xmpp-graphql with no settings loads the gateway and names what is missing");
  const bare = await run(bin, [], { cwd: app, env });
  expect(bare.code === 2 && bare.stderr.includes("XMPP_SERVICE is required"), "a bare start did not report the missing settings", bare.stdout + bare.stderr);

  step("xmpp-graphql sandbox --help (the sandbox ships built)");
  const sandboxHelp = await run(bin, ["sandbox", "--help"], { cwd: app, env });
  expect(sandboxHelp.code === 0 && sandboxHelp.stderr.includes("--server"), "sandbox --help failed", sandboxHelp.stdout + sandboxHelp.stderr);

  step("xmpp-graphql --xmpp-service … --port … against a sandbox Prosody");
  const alice = await sandbox.createUser("alice");
  const port = await freePort();
  const gateway = startProcess(
    bin,
    ["--xmpp-service", sandbox.service, "--xmpp-domain", sandbox.domain, "--host", "127.0.0.1", "--port", String(port), "--log-level", "info"],
    // PORT=1 must lose to --port.
    { cwd: app, env: { ...env, PORT: "1" } },
  );
  try {
    await waitForOk(`http://127.0.0.1:${port}/healthz`, gateway);
    await expectCheckAuth(`http://127.0.0.1:${port}`, alice);
  } finally {
    const code = await gateway.stop();
    expect(code === 0, `the gateway exited with ${code} on SIGTERM`, gateway.output());
  }
  process.stderr.write(`pack-check: ok (${tarball.split("/").pop()} installed and run from ${app})\n`);
} finally {
  await sandbox.stop();
  await rm(work, { recursive: true, force: true });
}
