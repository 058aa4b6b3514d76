import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import type { Resolvers } from "../generated/graphql.js";
import { addNotImplementedResolvers, rootResolvers } from "./resolvers.js";
import { scalarResolvers } from "../scalars/index.js";
import { rosterResolvers } from "../roster/roster.resolvers.js";
import { stanzaResolvers } from "../stanza/stanza.resolvers.js";

// schema/ sits two levels above both src/graphql and dist/graphql.
const SCHEMA_DIR = fileURLToPath(new URL("../../schema/", import.meta.url));

/** Reads the SDL files: the single source of truth for the API's shape. */
export function loadTypeDefs(dir = SCHEMA_DIR): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith(".graphql"))
    .sort()
    .map((file) => readFileSync(dir + file, "utf8"));
}

/** Builds the executable schema once per process: SDL + every domain's resolvers. */
export function createSchema(): GraphQLSchema {
  const resolvers: Resolvers[] = [rootResolvers, scalarResolvers as Resolvers, rosterResolvers, stanzaResolvers];
  const schema = makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
  addNotImplementedResolvers(schema);
  return schema;
}
