/**
 * `npm run dev`: a throwaway sandbox XMPP server (Prosody by default, ejabberd with
 * `--server ejabberd`) with demo users alice and bob, and the gateway in front of it.
 * Prints the GraphiQL URL and ready-to-paste Authorization headers; Ctrl-C / SIGTERM
 * stops both cleanly.
 *
 *   npm run dev [-- --server ejabberd] [-- --port 5561] [-- --users alice:secret,bob:secret]
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { parseSandboxKind, startSandbox, type XmppSandbox } from "./sandbox/xmpp-sandbox.js";
import { createApp, GRAPHQL_PATH, SSE_PATH, type App } from "../src/app.js";
import { loadConfig } from "../src/config.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "5561" },
    users: { type: "string", default: "alice,bob" },
    server: { type: "string", default: process.env.XMPP_SERVER ?? "prosody" },
  },
});
const serverKind = parseSandboxKind(values.server);
const serverName = serverKind === "ejabberd" ? "ejabberd" : "Prosody";

let sandbox: XmppSandbox | undefined;
let app: App | undefined;
let stopping = false;
async function shutdown(): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`\nstopping the gateway and the sandbox ${serverName}…\n`);
  await app?.stop().catch(() => undefined);
  await sandbox?.stop().catch(() => undefined);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());

sandbox = await startSandbox(serverKind);
const users = [];
for (const spec of values.users.split(",").filter(Boolean)) {
  const [name, password] = spec.includes(":") ? [spec.slice(0, spec.indexOf(":")), spec.slice(spec.indexOf(":") + 1)] : [spec, randomBytes(6).toString("hex")];
  users.push(await sandbox.createUser(name!, password));
}
const header = (u: { jid: string; password: string }) => `Basic ${Buffer.from(`${u.jid}:${u.password}`).toString("base64")}`;

const config = loadConfig({
  // Tokens work out of the box in dev; they die with this throwaway setup.
  TOKEN_SECRET: randomBytes(32).toString("base64url"),
  TOKEN_STORE_PATH: `${sandbox.dir}/token-revocations.json`,
  ...process.env,
  XMPP_SERVICE: sandbox.service,
  XMPP_DOMAIN: sandbox.domain,
  PORT: values.port,
});
app = createApp(config, {
  graphiqlDefaultHeaders: users[0] ? JSON.stringify({ Authorization: header(users[0]) }, null, 2) : undefined,
});
const url = await app.start();

const lines = [
  "",
  `  Sandbox ${serverName.padEnd(10)}${sandbox.service}  (domain ${sandbox.domain}, MUC ${sandbox.mucDomain}, data in ${sandbox.dir})`,
  `  GraphiQL          ${url}${GRAPHQL_PATH}   (opens as ${users[0]?.jid ?? "nobody"}; edit the Headers tab to switch)`,
  `  SSE               ${url}${SSE_PATH}?query=…`,
  "",
  "  Demo users:",
  ...users.map((u) => `    ${u.jid.padEnd(20)} password ${u.password.padEnd(14)} Authorization: ${header(u)}`),
  "",
  "  Try:",
  `    curl -s ${url}${GRAPHQL_PATH} -H 'content-type: application/json' -H 'Authorization: ${users[0] ? header(users[0]) : ""}' \\`,
  `         -d '{"query":"{ checkAuth { username authStatus } }"}'`,
  "",
  "  Ctrl-C stops everything.",
  "",
];
process.stdout.write(lines.join("\n") + "\n");
