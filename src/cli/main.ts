#!/usr/bin/env node
// The `xmpp-graphql` command (package.json `bin`); `xmpp-graphql --help` lists what it does.
import { cliMain } from "./run.js";

await cliMain(process.argv.slice(2));
