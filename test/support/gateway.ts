import { parseSandboxKind, startSandbox, type SandboxKind, type SandboxUser, type XmppSandbox } from "../../scripts/sandbox/xmpp-sandbox.js";
import { createApp, type App } from "../../src/app.js";
import { loadConfig, type Config } from "../../src/config.js";
import { recordResult, registerGateway } from "./compat-record.js";

/**
 * The XMPP server the integration suite runs against: `XMPP_SERVER=ejabberd` or
 * `XMPP_SERVER=prosody` (the default). A typo throws rather than testing the wrong server.
 */
export const SERVER: SandboxKind = parseSandboxKind(process.env.XMPP_SERVER);

/** Starts a throwaway sandbox of the {@link SERVER} kind on free loopback ports. */
export function startTestSandbox(): Promise<XmppSandbox> {
  return startSandbox(SERVER);
}

/** A GraphQL response as a test reads it. */
export interface GqlResponse {
  status: number;
  body: {
    data?: any;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
  };
}

/** The gateway under test, running against its own sandbox server ({@link SERVER}). */
export interface TestGateway {
  url: string;
  app: App;
  config: Config;
  sandbox: XmppSandbox;
  /** POSTs a GraphQL request as `user` (Basic auth), or anonymously. */
  gql(query: string, variables?: Record<string, unknown>, user?: SandboxUser | null, init?: { headers?: Record<string, string> }): Promise<GqlResponse>;
  stop(): Promise<void>;
}

/** `Authorization` header value for a sandbox user. */
export function basicAuth(user: { jid: string; password: string }): string {
  return "Basic " + Buffer.from(`${user.jid}:${user.password}`).toString("base64");
}

/**
 * Starts a sandbox server ({@link SERVER}) and the gateway on a free loopback port. Each test file gets
 * its own pair; users are created per test with `sandbox.createUser()`.
 */
export async function startGateway(overrides: Record<string, string> = {}, existing?: XmppSandbox): Promise<TestGateway> {
  const sandbox = existing ?? (await startTestSandbox());
  const config = loadConfig({
    XMPP_SERVICE: sandbox.service,
    XMPP_DOMAIN: sandbox.domain,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "silent",
    ...overrides,
  });
  const app = createApp(config);
  const url = await app.start();
  registerGateway(url, sandbox.kind);
  return {
    url,
    app,
    config,
    sandbox,
    async gql(query, variables, user, init) {
      const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json", ...init?.headers };
      if (user) headers.authorization = basicAuth(user);
      const response = await fetch(`${url}/api/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as GqlResponse["body"];
      recordResult(sandbox.kind, query, body);
      return { status: response.status, body };
    },
    async stop() {
      await app.stop();
      if (!existing) await sandbox.stop();
    },
  };
}
