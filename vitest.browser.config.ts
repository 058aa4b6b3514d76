import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

/**
 * `npm run test:browser`: tests that drive a real headless Chromium (Debian's `chromium`,
 * through playwright-core) against a gateway on a sandbox server. Kept out of `npm test`,
 * which must stay fast and needs no browser.
 */
export default defineConfig({
  resolve: { alias: { graphql: require.resolve("graphql") } },
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { XMPP_SERVER: process.env.XMPP_SERVER ?? "prosody" },
  },
});
