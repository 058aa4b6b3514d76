import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * The command line of `xmpp-graphql`: a command (start by default, `dev`, `sandbox`),
 * and one flag per setting, `--xmpp-service` for XMPP_SERVICE and so on. A flag sets its
 * environment variable for this process, so a flag wins over the variable and the
 * configuration keeps one reader (src/config.ts).
 */
export type CliCommand = "start" | "dev" | "sandbox" | "help" | "version";

export interface CliArgs {
  command: CliCommand;
  /** Settings given as flags, by environment variable name. */
  settings: Record<string, string>;
  /** `dev` only: which sandbox server, and its demo users (`alice:pw,bob`). */
  dev: { server: string | undefined; users: string | undefined };
  /** `sandbox` only: its own arguments, passed through untouched. */
  rest: string[];
}

/** Thrown for a command line that cannot be run; the message says what is wrong. */
export class CliUsageError extends Error {
  override name = "CliUsageError";
}

/** `XMPP_SERVICE` → `xmpp-service`. */
export const flagOf = (setting: string): string => setting.toLowerCase().replaceAll("_", "-");

/** Secrets stay out of command lines, which every user of the machine can read (ps). */
const ENVIRONMENT_ONLY = new Set(["TOKEN_SECRET"]);

/** The settings that have a flag. */
export const flagSettings = (settingNames: readonly string[]): string[] => settingNames.filter((name) => !ENVIRONMENT_ONLY.has(name));

const COMMANDS = new Set<CliCommand>(["start", "dev", "sandbox", "help", "version"]);

/**
 * Reads `argv` (without node and the script).
 * @throws CliUsageError for an unknown command or flag, a missing value, or extra words.
 */
export function parseCliArgs(argv: readonly string[], allSettings: readonly string[]): CliArgs {
  const settingNames = flagSettings(allSettings);
  const first = argv[0];
  const command: CliCommand = first !== undefined && !first.startsWith("-") ? toCommand(first) : "start";
  const args = argv.slice(first === undefined || first.startsWith("-") ? 0 : 1);
  const empty = { server: undefined, users: undefined };
  // The sandbox command has its own flags (scripts/sandbox/cli.ts reads them).
  if (command === "sandbox") return { command, settings: {}, dev: empty, rest: [...args] };

  const options: ParseArgsConfig["options"] = {
    help: { type: "boolean", short: "h" },
    version: { type: "boolean", short: "v" },
    ...Object.fromEntries(settingNames.map((name) => [flagOf(name), { type: "string" as const }])),
  };
  if (command === "dev") Object.assign(options, { server: { type: "string" }, users: { type: "string" } });
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const settings = Object.fromEntries(
    settingNames.flatMap((name) => {
      const value = values[flagOf(name)];
      return typeof value === "string" ? [[name, value]] : [];
    }),
  );
  const dev = { server: values.server as string | undefined, users: values.users as string | undefined };
  if (values.help) return { command: "help", settings, dev, rest: [] };
  if (values.version) return { command: "version", settings, dev, rest: [] };
  return { command, settings, dev, rest: [] };
}

function toCommand(word: string): CliCommand {
  if (COMMANDS.has(word as CliCommand)) return word as CliCommand;
  throw new CliUsageError(`unknown command "${word}" (commands: start, dev, sandbox, help, version)`);
}

/** The `--help` text; the settings list comes from the configuration itself. */
export function helpText(allSettings: readonly string[]): string {
  const settingNames = flagSettings(allSettings);
  const width = Math.max(...settingNames.map((name) => flagOf(name).length)) + 11;
  return [
    "xmpp-graphql: MongooseIM's user GraphQL API on top of any XMPP server",
    "",
    "Usage:",
    "  xmpp-graphql [start] [--setting value …]   run the gateway (what `npm start` runs)",
    "  xmpp-graphql dev [--server prosody|ejabberd] [--users alice:pw,bob] [--setting value …]",
    "                                             a throwaway sandbox XMPP server with demo users,",
    "                                             and the gateway in front of it (GraphiQL on)",
    "  xmpp-graphql sandbox [--server prosody|ejabberd] [--users alice:pw,bob] [--domain d] [--log-level l]",
    "                                             only the sandbox server; prints its details as JSON",
    "  xmpp-graphql --help | --version",
    "",
    "The sandbox runs Debian's prosody or ejabberd package (installed when missing, as root).",
    "",
    "Settings: each flag sets the environment variable of the same name; a flag wins over",
    "the variable. XMPP_SERVICE and XMPP_DOMAIN are required for `start`. Secrets are",
    `environment variables only (${[...ENVIRONMENT_ONLY].join(", ")}): other users can read a command line.`,
    ...settingNames.map((name) => `  ${`--${flagOf(name)} <value>`.padEnd(width)}${name}`),
    "",
  ].join("\n");
}
