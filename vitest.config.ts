import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // One graphql copy for test code and for the packages Node loads itself (yoga,
    // graphql-tools, graphql-ws): otherwise vite picks graphql's ESM build and Node its
    // CommonJS one, and schema objects "from another module or realm" are refused.
    alias: { graphql: require.resolve("graphql") },
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration files each start their own Prosody; two cores run two at a time well.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
