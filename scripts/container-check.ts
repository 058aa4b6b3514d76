/**
 * `npm run container:check`: the Dockerfile's steps, run without a container engine (none
 * exists on the CI machines). Each stage gets a clean temp dir as its filesystem root;
 * COPY reads a build context made of the repository's tracked and unignored files (what
 * a fresh clone holds) or an earlier stage, RUN runs in WORKDIR with the stage's ENV on
 * this machine's node (which must be the FROM image's major version). Then the last
 * stage's CMD starts against a sandbox Prosody, as a container would, and must serve
 * /healthz and a query, pass its HEALTHCHECK, and exit 0 on SIGTERM.
 *
 * What it cannot show: the base image's own contents, file ownership (--chown, USER are
 * checked for presence, not applied).
 */
import { cp, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { existsSync } from "node:fs";
import { startSandbox } from "./sandbox/xmpp-sandbox.js";
import { parseDockerfile, parseEnvPairs, type Instruction } from "./ops/dockerfile.js";
import { expectCheckAuth, freePort, run, runOk, startProcess, step, waitForOk } from "./ops/process-checks.js";

const repo = fileURLToPath(new URL("..", import.meta.url));

interface Stage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  cmd: string[] | undefined;
  healthcheck: string[] | undefined;
}

/** Where an image path lands in a stage's temp root. */
const inStage = (stage: Stage, path: string) => join(stage.root, isAbsolute(path) ? path : join(stage.workdir, path));

function fail(instruction: Instruction, why: string): never {
  throw new Error(`Dockerfile line ${instruction.line} (${instruction.keyword} ${instruction.text}): ${why}`);
}

const work = await mkdtemp(join(tmpdir(), "xg-container-"));
const sandbox = await startSandbox("prosody");
try {
  step("build context: the repository's tracked and unignored files");
  const context = join(work, "context");
  const files = (await runOk("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: repo })).split("\0").filter(Boolean);
  const ignored = (await readFile(join(repo, ".dockerignore"), "utf8")).split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  for (const file of files) {
    if (ignored.some((pattern) => file === pattern || file.startsWith(`${pattern}/`))) continue;
    if (!existsSync(join(repo, file))) continue; // deleted in the work tree
    await mkdir(dirname(join(context, file)), { recursive: true });
    await cp(join(repo, file), join(context, file));
  }

  const instructions = parseDockerfile(await readFile(join(repo, "Dockerfile"), "utf8"));
  const stages: Stage[] = [];
  const nodeMajor = process.versions.node.split(".")[0];
  for (const ins of instructions) {
    const stage = stages.at(-1);
    if (ins.keyword === "FROM") {
      const [image, as, name] = ins.args;
      const major = /^node:(\d+)/.exec(image ?? "")?.[1];
      if (!major) fail(ins, "only node:<major>… base images are mirrored");
      if (major !== nodeMajor) fail(ins, `the image runs Node ${major}, this machine's node is ${process.version} (export PATH="$(scripts/ensure-node.sh):$PATH")`);
      const root = join(work, `stage-${stages.length}`);
      await mkdir(root);
      stages.push({ name: as?.toUpperCase() === "AS" ? name! : String(stages.length), root, workdir: "/", env: {}, user: undefined, cmd: undefined, healthcheck: undefined });
      step(`stage ${stages.at(-1)!.name} (${image})`);
      continue;
    }
    if (!stage) {
      if (ins.keyword === "ARG") continue;
      fail(ins, "comes before the first FROM");
    }
    switch (ins.keyword) {
      case "ARG":
      case "EXPOSE":
      case "LABEL":
        break;
      case "WORKDIR":
        stage.workdir = isAbsolute(ins.text) ? ins.text : join(stage.workdir, ins.text);
        await mkdir(inStage(stage, "."), { recursive: true });
        break;
      case "ENV":
        Object.assign(stage.env, parseEnvPairs(ins.text));
        break;
      case "COPY": {
        const from = ins.flags.from;
        const source = from === undefined ? undefined : stages.find((s) => s.name === from);
        if (from !== undefined && !source) fail(ins, `no stage named ${from}`);
        const dest = ins.args.at(-1)!;
        const sources = ins.args.slice(0, -1);
        for (const src of sources) {
          const path = source ? inStage(source, src) : join(context, src);
          if (!existsSync(path)) fail(ins, `${src} does not exist in ${source ? `stage ${from}` : "the build context"}`);
          // Docker copies a directory's contents into dest, and a file into dest/ when dest ends with a slash.
          const target = dest.endsWith("/") && !(await isDirectory(path)) ? join(inStage(stage, dest), src.split("/").at(-1)!) : inStage(stage, dest);
          await cp(path, target, { recursive: true, verbatimSymlinks: true });
        }
        process.stderr.write(`   COPY ${ins.text}\n`);
        break;
      }
      case "RUN": {
        if (ins.exec) fail(ins, "exec-form RUN is not mirrored; use the shell form");
        if (/(^|[\s=])\/(?!dev\/null)/.test(ins.text)) fail(ins, "absolute paths cannot be mirrored outside a container; use paths relative to WORKDIR");
        process.stderr.write(`   RUN ${ins.text}\n`);
        const result = await run("sh", ["-c", ins.text], { cwd: inStage(stage, "."), env: { ...process.env, ...stage.env }, timeoutMs: 900_000 });
        if (result.code !== 0) fail(ins, `exited with ${result.code}\n${result.stdout}${result.stderr}`);
        break;
      }
      case "VOLUME":
        for (const path of ins.args) await mkdir(inStage(stage, path), { recursive: true });
        break;
      case "USER":
        stage.user = ins.text;
        break;
      case "HEALTHCHECK":
        if (!ins.exec) fail(ins, "use the exec form (a JSON array), which needs no shell in the image");
        stage.healthcheck = ins.args;
        break;
      case "CMD":
        if (!ins.exec) fail(ins, "use the exec form, so that the gateway is PID 1 and gets SIGTERM");
        stage.cmd = ins.args;
        break;
      default:
        fail(ins, "this instruction is not mirrored by scripts/container-check.ts");
    }
  }

  const final = stages.at(-1)!;
  step(`the image: stage ${final.name}`);
  if (!final.user || /^(root|0)(:|$)/.test(final.user)) throw new Error("the image must run as a non-root USER");
  if (!final.cmd || !final.healthcheck) throw new Error("the image needs a CMD and a HEALTHCHECK");
  for (const needed of ["dist/main.js", "schema", "node_modules/graphql-yoga"]) {
    if (!existsSync(inStage(final, needed))) throw new Error(`the image lacks ${needed}`);
  }
  if (existsSync(inStage(final, "node_modules/typescript"))) throw new Error("the image holds devDependencies (typescript): npm prune --omit=dev did not run");
  // CMD is package.json's start script without npm: the same node flags and entry file.
  const start = (JSON.parse(await readFile(join(context, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start;
  const startCommand = start.slice(start.indexOf("node "));
  if (final.cmd.join(" ") !== startCommand) throw new Error(`CMD ${JSON.stringify(final.cmd)} differs from the start script's "${startCommand}"`);

  step("the CMD against a sandbox Prosody");
  const alice = await sandbox.createUser("alice");
  const port = await freePort();
  // What compose.yaml sets, on loopback here; PATH for this machine's node (the image's).
  const env = { ...final.env, PATH: process.env.PATH!, HOST: "127.0.0.1", PORT: String(port), XMPP_SERVICE: sandbox.service, XMPP_DOMAIN: sandbox.domain };
  const gateway = startProcess(final.cmd[0]!, final.cmd.slice(1), { cwd: inStage(final, "."), env });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForOk(`${base}/healthz`, gateway);
    await expectCheckAuth(base, alice);
    const health = await run(final.healthcheck[0]!, final.healthcheck.slice(1), { cwd: inStage(final, "."), env, timeoutMs: 10_000 });
    if (health.code !== 0) {
      const readyz = await fetch(`${base}/readyz`);
      throw new Error(`HEALTHCHECK failed (exit ${health.code}, /readyz ${readyz.status}: ${await readyz.text()})\n${health.stdout}${health.stderr}`);
    }
    process.stderr.write("   HEALTHCHECK: ok\n");
  } finally {
    const code = await gateway.stop();
    if (code !== 0) throw new Error(`the gateway exited with ${code} on SIGTERM\n${gateway.output()}`);
  }
  process.stderr.write("container-check: ok\n");
} finally {
  await sandbox.stop();
  await rm(work, { recursive: true, force: true });
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path)).isDirectory();
}
