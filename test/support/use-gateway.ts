/**
 * The shared setup of integration test files: one call at the top of a file gives it a
 * sandbox and a gateway for all its tests, and cleans up after them. Kept apart from
 * `./gateway.ts` because it registers vitest hooks, and the soak script (plain Node)
 * imports that module.
 */
import { afterAll, beforeAll } from "vitest";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";
import { startGateway, type TestGateway } from "./gateway.js";
import { connectRawClient, type RawClient } from "./xmpp-client.js";
import type { Subscriber } from "./subscribers.js";

/** Options of an independent client, as {@link connectRawClient} takes them. */
export type RawClientOptions = Parameters<typeof connectRawClient>[3];

/** A test file's gateway from {@link useGateway}: the gateway itself, plus clients it cleans up. */
export interface GatewayFixture extends TestGateway {
  /**
   * Logs `user` in with an independent XMPP client (xmpp.js, not the gateway) on this
   * gateway's sandbox, to see from outside what the gateway did; stopped in `afterAll`.
   */
  connect(user: SandboxUser, options?: RawClientOptions): Promise<RawClient>;
}

/**
 * The shared setup of an integration test file: starts a sandbox (the server `XMPP_SERVER` names) and a
 * gateway on it in `beforeAll` (with config `overrides`), and in `afterAll` stops every
 * client {@link GatewayFixture.connect} opened, then the gateway and the sandbox.
 * Call it at the top level of the file, or of a `describe` for a gateway of that block's
 * own. `overrides` may be a function, read in `beforeAll`, for settings that earlier
 * hooks make (a temp dir, a port); vitest runs `beforeAll` hooks in the order they were
 * registered and `afterAll` hooks in reverse. The members are read through at use, so
 * they throw if a test file touches them outside tests and hooks (before `beforeAll` ran).
 */
export function useGateway(overrides: Record<string, string> | (() => Record<string, string>) = {}): GatewayFixture {
  let gateway: TestGateway | undefined;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    gateway = await startGateway(typeof overrides === "function" ? overrides() : overrides);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.stop()));
    await gateway?.stop();
  });
  const started = (): TestGateway => {
    if (!gateway) throw new Error("useGateway(): the gateway starts in beforeAll; use it inside tests and hooks");
    return gateway;
  };
  return {
    get url() {
      return started().url;
    },
    get app() {
      return started().app;
    },
    get config() {
      return started().config;
    },
    get sandbox() {
      return started().sandbox;
    },
    gql: (...args) => started().gql(...args),
    stop: () => started().stop(),
    async connect(user, options) {
      const { sandbox } = started();
      const client = await connectRawClient(sandbox.service, sandbox.domain, user, options);
      clients.push(client);
      return client;
    },
  };
}

/**
 * The subscriptions a test file opens (push each one), stopped after its tests. Call it
 * after {@link useGateway}: vitest runs `afterAll` hooks in reverse, so streams end first.
 */
export function useSubscribers(): Subscriber[] {
  const subs: Subscriber[] = [];
  afterAll(async () => {
    await Promise.all(subs.map((sub) => sub.stop()));
  });
  return subs;
}
