import { xml, type Element } from "@xmpp/xml";

/*
 * The presence the gateway's own sessions send (RFC 6121 §4).
 */

/** The priority a subscribed gateway session announces: below any real client's (§8.5.2). */
export const GATEWAY_PRIORITY = -1;

/** Available presence with a priority (RFC 6121 §4.2, §4.7.2.3). */
export function buildAvailablePresence(priority: number): Element {
  return xml("presence", {}, xml("priority", {}, String(priority)));
}

/**
 * Unavailable presence with an optional status (RFC 6121 §4.5.2), to the server itself;
 * servers keep its time and status as the account's last activity (XEP-0012).
 */
export function buildUnavailablePresence(status = ""): Element {
  return xml("presence", { type: "unavailable" }, status === "" ? null : xml("status", {}, status));
}
