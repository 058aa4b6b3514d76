/**
 * Runs a sandbox XMPP server (Prosody, or ejabberd with `--server ejabberd`) until
 * Ctrl-C / SIGTERM, for manual testing.
 *
 *   npx tsx scripts/sandbox/cli.ts [--server prosody|ejabberd] [--users alice:pw,bob:pw] [--domain localhost] [--log-level info]
 *
 * Prints one JSON object on stdout (service, domains, ports, dir, users with passwords)
 * once the server is ready; progress and errors go to stderr, so stdout stays parseable.
 * Users default to alice and bob with random passwords; a user given without `:password`
 * also gets a random one.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { parseSandboxKind, startSandbox, type XmppSandbox } from "./xmpp-sandbox.js";

const { values } = parseArgs({
  options: {
    server: { type: "string", default: "prosody" },
    users: { type: "string", default: "alice,bob" },
    domain: { type: "string" },
    "log-level": { type: "string" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  process.stderr.write("usage: npx tsx scripts/sandbox/cli.ts [--server prosody|ejabberd] [--users alice:pw,bob:pw] [--domain localhost] [--log-level info]\n");
  process.exit(0);
}

const kind = parseSandboxKind(values.server);
const serverName = kind === "ejabberd" ? "ejabberd" : "Prosody";

const wanted = values.users
  .split(",")
  .map((spec) => spec.trim())
  .filter(Boolean)
  .map((spec) => {
    // Split at the first colon only: passwords may contain colons, usernames may not.
    const colon = spec.indexOf(":");
    return colon < 0
      ? { username: spec, password: randomBytes(9).toString("base64url") }
      : { username: spec.slice(0, colon), password: spec.slice(colon + 1) };
  });

let sandbox: XmppSandbox | null = null;
let stopping = false;

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`stopping ${serverName}…\n`);
  await sandbox?.stop();
  process.exit(code);
}

// Installed before the server starts so that an interrupt during startup also cleans up; the
// sandbox module's own signal fallback stands aside while these handlers exist.
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));

try {
  sandbox = await startSandbox(kind, { domain: values.domain, logLevel: values["log-level"] });
  const users = [];
  for (const { username, password } of wanted) users.push(await sandbox.createUser(username, password));
  const { service, domain, mucDomain, uploadDomain, host, c2sPort, httpPort, dir } = sandbox;
  process.stdout.write(
    JSON.stringify({ service, domain, mucDomain, uploadDomain, host, c2sPort, httpPort, dir, users }, null, 2) + "\n",
  );
  process.stderr.write(`${serverName} is up (log in ${dir}). Ctrl-C to stop.\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  await shutdown(1);
}
