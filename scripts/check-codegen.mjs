// Fails when src/generated is stale: regenerates into a temp file and compares.
// Run by CI (`npm run codegen:check`) so that SDL changes never ship without their types.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const generated = "src/generated/graphql.ts";
const dir = mkdtempSync(join(tmpdir(), "codegen-check-"));
try {
  const config = readFileSync("codegen.yml", "utf8").replace(generated, join(dir, "graphql.ts"));
  writeFileSync(join(dir, "codegen.yml"), config);
  execFileSync("npx", ["graphql-codegen", "--config", join(dir, "codegen.yml"), "--silent"], { stdio: "inherit" });
  const fresh = readFileSync(join(dir, "graphql.ts"), "utf8");
  const committed = readFileSync(generated, "utf8");
  if (fresh !== committed) {
    console.error(`${generated} is stale: run \`npm run codegen\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${generated} is up to date.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
