import type { Logger } from "../logger.js";
import type { Telemetry } from "./telemetry.js";

/**
 * The log lines of the gateway's events: one access line per request (info), failed and
 * throttled logins with the client address (warn), XMPP connects and disconnects (info),
 * connection errors (warn), subscription start and end (info), slow details at debug.
 */
export function createLogTelemetry(logger: Logger): Telemetry {
  return {
    request(entry) {
      logger.info({ event: "request", ...entry }, "request");
    },
    login(outcome, user, clientIp, reason) {
      // A successful login is in the access line (`user`); only refusals get their own.
      if (outcome === "ok") return;
      logger.warn({ event: `login_${outcome}`, user, clientIp, reason }, outcome === "failed" ? "login failed" : "login throttled");
    },
    xmpp(event) {
      const { kind, ...detail } = event;
      if (kind === "error") logger.warn({ event: "xmpp_error", ...detail }, "XMPP connection failed");
      else logger.info({ event: `xmpp_${kind}`, ...detail }, `XMPP session ${kind}`);
    },
    subscription(event, transport, operation, requestId) {
      logger.info({ event: `subscription_${event}`, transport, requestId, ...operation }, `subscription ${event === "start" ? "started" : "ended"}`);
    },
    iq(namespace, durationMs, outcome) {
      if (outcome === "timeout") logger.warn({ event: "iq_timeout", namespace, durationMs }, "IQ timed out");
    },
    pushed() {},
  };
}
