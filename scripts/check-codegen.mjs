// Fails when generated code is stale: regenerates every output of codegen.yml into a temp
// dir and compares. Run by CI (`npm run codegen:check`) so that SDL changes (and the web
// chat's operations) never ship without their types.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// Each output of codegen.yml: a file, or a directory (the client preset's) when it ends in /.
const OUTPUTS = ["src/generated/graphql.ts", "examples/web-chat/src/gql/"];

const dir = mkdtempSync(join(tmpdir(), "codegen-check-"));
try {
  let config = readFileSync("codegen.yml", "utf8");
  const fresh = OUTPUTS.map((output, i) => {
    const target = output.endsWith("/") ? join(dir, `out${i}`) + "/" : join(dir, `out${i}.ts`);
    if (!config.includes(`  ${output}:`)) throw new Error(`codegen.yml has no output ${output}`);
    config = config.replace(`  ${output}:`, `  ${target}:`);
    return target;
  });
  writeFileSync(join(dir, "codegen.yml"), config);
  execFileSync("npx", ["graphql-codegen", "--config", join(dir, "codegen.yml"), "--silent"], { stdio: "inherit" });
  const stale = OUTPUTS.flatMap((output, i) => {
    const files = output.endsWith("/") ? [...new Set([...readdirSync(output), ...readdirSync(fresh[i])])].map((f) => [output + f, fresh[i] + f]) : [[output, fresh[i]]];
    return files.filter(([committed, regenerated]) =>
      !existsSync(committed) || !existsSync(regenerated) || readFileSync(committed, "utf8") !== readFileSync(regenerated, "utf8")).map(([c]) => c);
  });
  if (stale.length) {
    console.error(`stale generated code: ${stale.join(", ")}. Run \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${OUTPUTS.join(" and ")} are up to date.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
