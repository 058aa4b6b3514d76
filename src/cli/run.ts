import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { SETTING_NAMES } from "../config.js";
import { CliUsageError, helpText, parseCliArgs } from "./args.js";
import { runDev } from "./dev.js";
import { sandboxFile } from "./sandbox-module.js";

/**
 * Runs one `xmpp-graphql` command line (`argv` without node and the script).
 * @throws CliUsageError for a command line that cannot be run.
 */
export async function runCli(argv: readonly string[]): Promise<void> {
  const args = parseCliArgs(argv, SETTING_NAMES);
  // Flags become the environment variables they mirror: one reader of settings, flags win.
  Object.assign(process.env, args.settings);
  switch (args.command) {
    case "help":
      process.stdout.write(helpText(SETTING_NAMES));
      return;
    case "version": {
      // package.json sits two levels above both src/cli and dist/cli.
      const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return;
    }
    case "start":
      // What `npm start` sets; the entry point reads its configuration from the environment.
      process.env.NODE_ENV ??= "production";
      await import("../main.js");
      return;
    case "dev":
      await runDev(args.dev);
      return;
    case "sandbox": {
      // The sandbox's own command line reads process.argv: hand it just its arguments.
      const script = sandboxFile("cli.js");
      process.argv = [process.argv[0]!, script, ...args.rest];
      await import(pathToFileURL(script).href);
      return;
    }
  }
}

/** {@link runCli}, with a usage error reported in one line and exit code 2. */
export async function cliMain(argv: readonly string[]): Promise<void> {
  try {
    await runCli(argv);
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`xmpp-graphql: ${error.message}\nxmpp-graphql --help lists the commands and flags\n`);
    process.exit(2);
  }
}
