import { createRequire } from "node:module";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

const require = createRequire(import.meta.url);

/** Test files about one sandbox server itself: they run in that server's project only. */
const PROSODY_ONLY = ["test/integration/sandbox.test.ts"];
const EJABBERD_ONLY = ["test/integration/sandbox-ejabberd.test.ts", "test/integration/long-session-ejabberd.test.ts"];

/** `XMPP_SERVER=ejabberd vitest run …` keeps only that server's integration project. */
const onlyServer = process.env.XMPP_SERVER?.trim().toLowerCase() || undefined;
const allServerProjects: TestProjectInlineConfiguration[] = [
  { extends: true, test: { name: "prosody", include: ["test/integration/**/*.test.ts"], exclude: EJABBERD_ONLY, env: { XMPP_SERVER: "prosody" } } },
  { extends: true, test: { name: "ejabberd", include: ["test/integration/**/*.test.ts"], exclude: PROSODY_ONLY, env: { XMPP_SERVER: "ejabberd" } } },
];
const serverProjects = allServerProjects.filter((p) => !onlyServer || p.test?.name === onlyServer);
if (onlyServer && serverProjects.length === 0) throw new Error(`XMPP_SERVER=${onlyServer}: use prosody or ejabberd`);

export default defineConfig({
  resolve: {
    // One graphql copy for test code and for the packages Node loads itself (yoga,
    // graphql-tools, graphql-ws): otherwise vite picks graphql's ESM build and Node its
    // CommonJS one, and schema objects "from another module or realm" are refused.
    alias: { graphql: require.resolve("graphql") },
  },
  test: {
    testTimeout: 30_000,
    // A sandbox ejabberd may take up to 90 s to boot on a loaded machine (see its readyTimeoutMs).
    hookTimeout: 120_000,
    // Integration files each start their own server; two cores run two at a time well.
    maxWorkers: 2,
    minWorkers: 1,
    // The compatibility record (test-results/compat-record.json) feeds the README's matrix.
    reporters: ["default", "./test/support/compat-reporter.ts"],
    // The integration suite runs once per server (XMPP_SERVER tells test/support/gateway.ts
    // which sandbox to start); `vitest run --project ejabberd` runs one of them.
    projects: [{ extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"] } }, ...serverProjects],
  },
});
