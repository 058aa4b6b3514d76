import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Telemetry } from "./telemetry.js";

/*
 * Prometheus metrics (`GET /metrics`), in a registry the app owns (never prom-client's
 * global one: two apps in one process, as in the tests, must not share counters). Label
 * values that clients choose (operation names) or that arbitrary stanzas carry (IQ
 * namespaces) are capped: past the cap, new values count as "other", so a client cannot
 * grow the registry without bound.
 */

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const MAX_LABEL_VALUES = 200;

/** What the metrics read when scraped rather than count as they happen. */
export interface MetricsSources {
  sessions(): { pooled: number; pinned: number };
  /** The pool's XMPP logins and re-proofs of credentials (SessionPool.counters) so far. */
  proofs(): { logins: number; reproofs: number };
}

export interface Metrics {
  readonly registry: Registry;
  readonly telemetry: Telemetry;
}

function capped(max = MAX_LABEL_VALUES) {
  const seen = new Set<string>();
  return (value: string | undefined): string => {
    if (value === undefined || value === "") return "anonymous";
    if (seen.has(value)) return value;
    if (seen.size >= max) return "other";
    seen.add(value);
    return value;
  };
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const operationName = capped();
  const protocol = capped(100);
  const registers = [registry];

  const requests = new Counter({
    name: "xmpp_graphql_requests_total", help: "GraphQL requests (HTTP) and graphql-ws operations, by operation, transport and status",
    labelNames: ["operation", "operation_type", "transport", "status"], registers,
  });
  const duration = new Histogram({
    name: "xmpp_graphql_request_duration_seconds", help: "Time to answer a request (for a subscription: how long it lived)",
    labelNames: ["operation_type", "transport"], buckets: LATENCY_BUCKETS, registers,
  });
  const logins = new Counter({ name: "xmpp_graphql_logins_total", help: "Authentications of requests by outcome", labelNames: ["outcome"], registers });
  const iqDuration = new Histogram({
    name: "xmpp_graphql_iq_duration_seconds", help: "IQ round trips to the XMPP server, by the namespace of the IQ's child",
    labelNames: ["protocol"], buckets: LATENCY_BUCKETS, registers,
  });
  const iqTimeouts = new Counter({ name: "xmpp_graphql_iq_timeouts_total", help: "IQs that got no reply in time", labelNames: ["protocol"], registers });
  const subscriptions = new Gauge({ name: "xmpp_graphql_subscriptions", help: "Live subscriptions by transport", labelNames: ["transport"], registers });
  const pushed = new Counter({ name: "xmpp_graphql_subscription_messages_total", help: "Subscription results sent to clients", labelNames: ["transport"], registers });
  const xmppEvents = new Counter({
    name: "xmpp_graphql_xmpp_connections_total", help: "XMPP session events: connected, reconnected, disconnected, error",
    labelNames: ["event"], registers,
  });
  new Gauge({
    name: "xmpp_graphql_sessions", help: "XMPP sessions in the pool; pinned ones are held by a live subscription",
    labelNames: ["state"], registers,
    collect() {
      const { pooled, pinned } = sources.sessions();
      this.set({ state: "pooled" }, pooled);
      this.set({ state: "pinned" }, pinned);
    },
  });
  new Counter({
    name: "xmpp_graphql_credential_proofs_total",
    help: "Credentials proven by the XMPP server: login (a new pooled session) or reproof (again after CREDENTIAL_RECHECK_S, one SASL exchange)",
    labelNames: ["kind"], registers,
    collect() {
      // The pool counts; a scrape copies its totals.
      const { logins, reproofs } = sources.proofs();
      this.reset();
      this.inc({ kind: "login" }, logins);
      this.inc({ kind: "reproof" }, reproofs);
    },
  });
  for (const transport of ["http", "sse", "ws"]) subscriptions.set({ transport }, 0);

  const telemetry: Telemetry = {
    request(entry) {
      if (entry.transport === "other") return;
      const type = entry.operationType ?? "none";
      requests.inc({ operation: operationName(entry.operationName), operation_type: type, transport: entry.transport, status: String(entry.status) });
      duration.observe({ operation_type: type, transport: entry.transport }, entry.durationMs / 1000);
    },
    login: (outcome) => logins.inc({ outcome }),
    xmpp: (event) => xmppEvents.inc({ event: event.kind }),
    subscription: (event, transport) => (event === "start" ? subscriptions.inc({ transport }) : subscriptions.dec({ transport })),
    iq(namespace, durationMs, outcome) {
      const label = protocol(namespace);
      if (outcome === "timeout") iqTimeouts.inc({ protocol: label });
      else iqDuration.observe({ protocol: label }, durationMs / 1000);
    },
    pushed: (transport) => pushed.inc({ transport }),
  };
  return { registry, telemetry };
}
