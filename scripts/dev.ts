/**
 * `npm run dev`: a throwaway sandbox XMPP server (Prosody by default, ejabberd with
 * `--server ejabberd`) with demo users alice and bob, and the gateway in front of it.
 * The same as `xmpp-graphql dev` (src/cli/dev.ts); any setting may be given as a flag.
 *
 *   npm run dev [-- --server ejabberd] [-- --port 5561] [-- --users alice:secret,bob:secret]
 */
import { cliMain } from "../src/cli/run.js";

await cliMain(["dev", ...process.argv.slice(2)]);
