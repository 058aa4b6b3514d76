import { describe, expect, it } from "vitest";
import { overrideTopLevelKeys } from "../../scripts/sandbox/ejabberd.js";
import { renderLuaGlobals } from "../../scripts/sandbox/prosody.js";

describe("Prosody serverConfig: Lua globals", () => {
  it("writes scalars, lists and tables in Lua syntax, one assignment a line", () => {
    expect(
      renderLuaGlobals({
        allow_unencrypted_plain_auth: true,
        c2s_timeout: 30,
        authentication: "internal_\"hashed\"",
        modules_enabled: ["roster", "tls"],
        ssl: { certificate: "/tmp/c.pem", options: ["no_sslv3"] },
      }),
    ).toBe(
      "allow_unencrypted_plain_auth = true\n" +
        "c2s_timeout = 30\n" +
        'authentication = "internal_\\"hashed\\""\n' +
        'modules_enabled = { "roster"; "tls"; }\n' +
        'ssl = { ["certificate"] = "/tmp/c.pem"; ["options"] = { "no_sslv3"; }; }\n',
    );
  });

  it("refuses a name that is not a Lua identifier, so nothing can be injected through it", () => {
    expect(() => renderLuaGlobals({ "x = 1 os.exit()": 1 })).toThrow(/not a Prosody option name/);
    expect(renderLuaGlobals({})).toBe("");
  });
});

describe("ejabberd serverConfig: top-level YAML keys", () => {
  const yaml = [
    "loglevel: info",
    "# SASL:",
    "disable_sasl_mechanisms:",
    '  - "PLAIN"',
    "",
    '  - "X-OAUTH2"',
    "registration_timeout: infinity",
    "modules:",
    "  mod_ping: {}",
    "",
  ].join("\n");

  it("replaces a key's whole block and keeps the lines around it", () => {
    expect(overrideTopLevelKeys(yaml, { disable_sasl_mechanisms: ["DIGEST-MD5"] })).toBe(
      ["loglevel: info", "# SASL:", 'disable_sasl_mechanisms: ["DIGEST-MD5"]', "registration_timeout: infinity", "modules:", "  mod_ping: {}", ""].join("\n"),
    );
  });

  it("appends a key the config lacks, before the final newline", () => {
    const out = overrideTopLevelKeys(yaml, { auth_scram_hash: "sha256", starttls: { required: true } });
    expect(out.endsWith('  mod_ping: {}\nauth_scram_hash: "sha256"\nstarttls: {"required":true}\n')).toBe(true);
    expect(out.startsWith(yaml.slice(0, -1))).toBe(true);
  });

  it("refuses a key that is not a plain option name", () => {
    expect(() => overrideTopLevelKeys(yaml, { "modules:\n  evil": 1 })).toThrow(/not an ejabberd option name/);
    expect(overrideTopLevelKeys(yaml, {})).toBe(yaml);
  });
});
