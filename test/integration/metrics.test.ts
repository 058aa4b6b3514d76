import { beforeAll, describe, expect, it } from "vitest";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import { subscribeSse, subscribeWs, untilLive } from "../support/subscribers.js";
import { metricSample } from "../support/metrics-sample.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// Prometheus metrics (issue 17 item 3): the values move as requests, logins and
// subscriptions happen.
const gw = useGateway();
let alice: SandboxUser;
let bob: SandboxUser;
beforeAll(async () => {
  [alice, bob] = await gw.sandbox.createUsers(2) as [SandboxUser, SandboxUser];
});

/** The value of one sample of `/metrics` (0 when absent). */
const sample = (name: string, labels: Record<string, string> = {}) => metricSample(gw.url, name, labels);

const bodyOf = (stanza: string | undefined) => /<body>([^<]*)<\/body>/.exec(stanza ?? "")?.[1];
const send = async (to: SandboxUser, body: string) => {
  await gw.gql(`mutation { stanza { sendMessage(to: "${to.jid}", body: "${body}") { id } } }`, undefined, alice);
};

describe("/metrics", () => {
  it("serves Prometheus text with Node's default metrics", async () => {
    const response = await fetch(`${gw.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it("counts requests by operation, transport and status, with latency, logins and IQ round trips", async () => {
    const labels = { operation: "Mine", operation_type: "query", transport: "http", status: "200" };
    const before = await sample("xmpp_graphql_requests_total", labels);
    const histogramBefore = await sample("xmpp_graphql_request_duration_seconds_count", { operation_type: "query", transport: "http" });
    const rosterIqs = await sample("xmpp_graphql_iq_duration_seconds_count", { protocol: "jabber:iq:roster" });
    const failedBefore = await sample("xmpp_graphql_logins_total", { outcome: "failed" });
    for (let i = 0; i < 3; i++) expect((await gw.gql("query Mine { roster { listContacts { jid } } }", undefined, alice)).status).toBe(200);
    expect((await gw.gql("{ checkAuth { username } }", undefined, { ...alice, password: "wrong" })).status).toBe(401);
    expect(await sample("xmpp_graphql_requests_total", labels)).toBe(before + 3);
    expect(await sample("xmpp_graphql_request_duration_seconds_count", { operation_type: "query", transport: "http" })).toBe(histogramBefore + 3);
    expect(await sample("xmpp_graphql_iq_duration_seconds_count", { protocol: "jabber:iq:roster" })).toBeGreaterThanOrEqual(rosterIqs + 3);
    expect(await sample("xmpp_graphql_logins_total", { outcome: "failed" })).toBe(failedBefore + 1);
    expect(await sample("xmpp_graphql_logins_total", { outcome: "ok" })).toBeGreaterThanOrEqual(3);
    // Pooled sessions are logged in once; re-proofs wait for CREDENTIAL_RECHECK_S (60 s).
    expect(gw.app.pool.counters.logins).toBeGreaterThanOrEqual(1);
    expect(await sample("xmpp_graphql_credential_proofs_total", { kind: "login" })).toBe(gw.app.pool.counters.logins);
    expect(await sample("xmpp_graphql_credential_proofs_total", { kind: "reproof" })).toBe(0);
    expect(await sample("xmpp_graphql_requests_total", { transport: "http", status: "401", operation: "anonymous" })).toBeGreaterThanOrEqual(1);
    expect(await sample("xmpp_graphql_sessions", { state: "pooled" })).toBeGreaterThanOrEqual(1);
  });

  it("follows live subscriptions per transport, pinned sessions and pushed messages", async () => {
    const ws = await subscribeWs(gw.url, { Authorization: basicAuth(bob) });
    await untilLive(ws, (b) => send(bob, b), (e) => bodyOf(e.data?.stanza?.subscribeForMessages?.stanza));
    const sse = await subscribeSse(gw.url, basicAuth(bob));
    await untilLive(sse, (b) => send(bob, b), (e) => bodyOf(e.data?.data?.stanza?.subscribeForMessages?.stanza));
    expect(await sample("xmpp_graphql_subscriptions", { transport: "ws" })).toBe(1);
    expect(await sample("xmpp_graphql_subscriptions", { transport: "sse" })).toBe(1);
    expect(await sample("xmpp_graphql_sessions", { state: "pinned" })).toBe(1);
    const pushedWs = await sample("xmpp_graphql_subscription_messages_total", { transport: "ws" });
    const pushedSse = await sample("xmpp_graphql_subscription_messages_total", { transport: "sse" });
    await send(bob, "counted");
    await ws.waitFor((e) => bodyOf(e.data?.stanza?.subscribeForMessages?.stanza) === "counted");
    await sse.waitFor((e) => bodyOf(e.data?.data?.stanza?.subscribeForMessages?.stanza) === "counted");
    expect(await sample("xmpp_graphql_subscription_messages_total", { transport: "ws" })).toBe(pushedWs + 1);
    expect(await sample("xmpp_graphql_subscription_messages_total", { transport: "sse" })).toBe(pushedSse + 1);
    await ws.stop();
    await sse.stop();
    // Both ends are seen by the server a moment after the client closes: wait on the gauge.
    for (const transport of ["ws", "sse"]) {
      const deadline = Date.now() + 5000;
      while ((await sample("xmpp_graphql_subscriptions", { transport })) !== 0) {
        if (Date.now() > deadline) throw new Error(`${transport} subscription still counted as live`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    expect(await sample("xmpp_graphql_sessions", { state: "pinned" })).toBe(0);
  });
});
