import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createApp, GRAPHQL_PATH, SSE_PATH, type App } from "../app.js";
import { WEB_CHAT_PATH } from "../app/web-chat.js";
import { loadConfig } from "../config.js";
import { basic, makeDemoContacts } from "./demo-contacts.js";
import { PortInUseError } from "../server/listen.js";
import { loadSandboxModule, type Sandbox, type SandboxUser } from "./sandbox-module.js";

export interface DevOptions {
  /** `prosody` (default) or `ejabberd`. */
  server: string | undefined;
  /** Demo users, `alice,bob:pw`; a user without `:password` gets a random one. */
  users: string | undefined;
}


/**
 * `xmpp-graphql dev` / `npm run dev`: a throwaway sandbox XMPP server with demo users and
 * the gateway in front of it, configured from the environment (PORT etc.) except for the
 * XMPP server. Prints the GraphiQL and web chat URLs and ready-to-paste Authorization headers; Ctrl-C /
 * SIGTERM stops both cleanly.
 */
export async function runDev(options: DevOptions): Promise<void> {
  const sandboxes = await loadSandboxModule();
  const kind = sandboxes.parseSandboxKind(options.server ?? process.env.XMPP_SERVER);
  const serverName = kind === "ejabberd" ? "ejabberd" : "Prosody";

  let sandbox: Sandbox | undefined;
  let app: App | undefined;
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nstopping the gateway and the sandbox ${serverName}…\n`);
    await app?.stop().catch(() => undefined);
    await sandbox?.stop().catch(() => undefined);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());

  sandbox = await sandboxes.startSandbox(kind);
  const users: SandboxUser[] = [];
  for (const spec of (options.users ?? "alice,bob").split(",").map((s) => s.trim()).filter(Boolean)) {
    // Split at the first colon only: passwords may contain colons, usernames may not.
    const colon = spec.indexOf(":");
    const [name, password] = colon < 0 ? [spec, randomBytes(6).toString("hex")] : [spec.slice(0, colon), spec.slice(colon + 1)];
    users.push(await sandbox.createUser(name, password));
  }

  const config = loadConfig({
    PORT: "5561",
    // A development gateway serves pages from anywhere (a front-end's own dev server).
    CORS_ORIGINS: "*",
    LOG_FORMAT: "pretty",
    // The example web chat at /chat/ (built by `npm run build:web-chat`, which `npm run dev` runs first).
    WEB_CHAT: "true",
    // Tokens (and their generated secret) live and die with this throwaway setup.
    TOKEN_STORE_PATH: join(sandbox.dir, "token-revocations.json"),
    ...process.env,
    XMPP_SERVICE: sandbox.service,
    XMPP_DOMAIN: sandbox.domain,
  });
  app = createApp(config, {
    graphiqlDefaultHeaders: users[0] ? JSON.stringify({ Authorization: basic(users[0]) }, null, 2) : undefined,
  });
  let url: string;
  try {
    url = await app.start();
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    process.stderr.write(`xmpp-graphql dev: ${error.message}\n`);
    await sandbox.stop().catch(() => undefined);
    process.exit(1);
  }

  // Demo users who are contacts: the web chat opens with someone to talk to, online.
  const notMutual = await makeDemoContacts(url, users);
  if (notMutual.length) process.stderr.write(`xmpp-graphql dev: could not make these demo users contacts: ${notMutual.join(", ")}\n`);

  const lines = [
    "",
    `  Sandbox ${serverName.padEnd(10)}${sandbox.service}  (domain ${sandbox.domain}, MUC ${sandbox.mucDomain}, data in ${sandbox.dir})`,
    `  GraphiQL          ${url}${GRAPHQL_PATH}   (opens as ${users[0]?.jid ?? "nobody"}; edit the Headers tab to switch)`,
    ...(config.http.webChat ? [`  Web chat          ${url}${WEB_CHAT_PATH}   (log in as a demo user below; a second browser window as another)`] : []),
    `  SSE               ${url}${SSE_PATH}?query=…`,
    "",
    "  Demo users:",
    ...users.map((u) => `    ${u.jid.padEnd(20)} password ${u.password.padEnd(14)} Authorization: ${basic(u)}`),
    "",
    "  Try:",
    `    curl -s ${url}${GRAPHQL_PATH} -H 'content-type: application/json' -H 'Authorization: ${users[0] ? basic(users[0]) : ""}' \\`,
    `         -d '{"query":"{ checkAuth { username authStatus } }"}'`,
    "",
    "  Ctrl-C stops everything.",
    "",
  ];
  process.stdout.write(lines.join("\n") + "\n");
}
