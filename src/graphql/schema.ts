import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// schema/ sits two levels above both src/graphql and dist/graphql.
const SCHEMA_DIR = fileURLToPath(new URL("../../schema/", import.meta.url));

/** Reads the SDL files: the single source of truth for the API's shape. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .map((file) => readFileSync(dir + file, "utf8"));
}
