/*
 * Readiness (`/readyz`): may a balancer send this instance traffic? Yes while it is not
 * shutting down, the XMPP server accepts streams, and the shared store (Redis) answers
 * when one is configured. A successful XMPP probe is trusted for a few seconds so that a
 * balancer polling every second does not open a stream each time; a failure is not kept,
 * so recovery shows at the next poll. Concurrent checks share one probe.
 */

export interface ReadinessChecks {
  stopping(): boolean;
  /** Resolves when the XMPP server accepts a stream. */
  xmpp(): Promise<void>;
  /** Resolves when the shared store answers; undefined when none is configured. */
  store?: () => Promise<void>;
}

export interface ReadinessReport {
  ready: boolean;
  /** Each check's verdict: "ok", "stopping", "not configured" or "unavailable: <why>". */
  checks: Record<string, string>;
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
}

/** Builds the readiness check; `okForMs`: how long a successful XMPP probe is trusted. */
export function createReadiness(checks: ReadinessChecks, okForMs = 3000, now = () => Date.now()): Readiness {
  let xmppOkUntil = 0;
  let probing: Promise<string> | undefined;
  const probeXmpp = (): Promise<string> => {
    if (now() < xmppOkUntil) return Promise.resolve("ok");
    probing ??= checks.xmpp().then(
      () => ((xmppOkUntil = now() + okForMs), "ok"),
      (error: unknown) => `unavailable: ${error instanceof Error ? error.message : String(error)}`,
    ).finally(() => (probing = undefined));
    return probing;
  };
  const probeStore = async (): Promise<string> => {
    if (!checks.store) return "not configured";
    try {
      await checks.store();
      return "ok";
    } catch (error) {
      return `unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  };
  return {
    async check(): Promise<ReadinessReport> {
      if (checks.stopping()) return { ready: false, checks: { shutdown: "stopping" } };
      const [xmpp, store] = await Promise.all([probeXmpp(), probeStore()]);
      const ready = xmpp === "ok" && (store === "ok" || store === "not configured");
      return { ready, checks: { shutdown: "ok", xmpp, store } };
    },
  };
}
