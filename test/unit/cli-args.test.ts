import { describe, expect, it } from "vitest";
import * as realSandboxModule from "../../scripts/sandbox/xmpp-sandbox.js";
import { CliUsageError, flagOf, helpText, parseCliArgs } from "../../src/cli/args.js";
import type { SandboxModule } from "../../src/cli/sandbox-module.js";
import { SETTING_NAMES } from "../../src/config.js";

// The CLI loads the sandbox at run time; this keeps its view of the module honest.
realSandboxModule satisfies SandboxModule;

const parse = (...argv: string[]) => parseCliArgs(argv, SETTING_NAMES);

describe("the xmpp-graphql command line", () => {
  it("starts the gateway by default, each flag setting the variable it mirrors", () => {
    expect(parse("--xmpp-service", "xmpp://h:5222", "--xmpp-domain=d", "--port", "0")).toEqual({
      command: "start",
      settings: { XMPP_SERVICE: "xmpp://h:5222", XMPP_DOMAIN: "d", PORT: "0" },
      dev: { server: undefined, users: undefined },
      rest: [],
    });
    expect(parse("start", "--log-level", "debug").settings).toEqual({ LOG_LEVEL: "debug" });
  });

  it("has a flag for every setting except secrets", () => {
    expect(SETTING_NAMES.length).toBeGreaterThan(20);
    const help = helpText(SETTING_NAMES);
    for (const name of SETTING_NAMES.filter((n) => n !== "TOKEN_SECRET")) expect(help).toContain(`--${flagOf(name)} <value>`);
    expect(help).not.toContain("--token-secret");
    expect(() => parse("--token-secret", "x".repeat(40))).toThrow(CliUsageError);
  });

  it("takes dev's own flags, and hands sandbox its arguments untouched", () => {
    expect(parse("dev", "--server", "ejabberd", "--users", "alice:pw", "--port", "6000")).toMatchObject({
      command: "dev",
      settings: { PORT: "6000" },
      dev: { server: "ejabberd", users: "alice:pw" },
    });
    expect(parse("sandbox", "--server", "ejabberd", "--whatever")).toMatchObject({ command: "sandbox", rest: ["--server", "ejabberd", "--whatever"] });
  });

  it("answers --help and --version for any command", () => {
    expect(parse("--help").command).toBe("help");
    expect(parse("dev", "-h").command).toBe("help");
    expect(parse("--version").command).toBe("version");
  });

  it("refuses unknown commands and flags, missing values and stray words", () => {
    for (const argv of [["serve"], ["--bogus"], ["--port"], ["start", "extra"], ["--server", "prosody"]]) {
      expect(() => parse(...argv), argv.join(" ")).toThrow(CliUsageError);
    }
  });
});
