import { XmppAuthError } from "../xmpp/errors.js";
import type { Telemetry } from "./telemetry.js";

/*
 * Turns the pool's session lifecycle into XMPP connection events: a session opened for a
 * user whose last one dropped (not closed by the gateway) is a reconnect; a failure to
 * open that is not a refused login is an XMPP error. The users whose session dropped are
 * remembered up to `remember` (oldest forgotten first), so the set stays bounded.
 */
export function createConnectionReporter(telemetry: Telemetry, remember: number) {
  const dropped = new Set<string>();
  return {
    /** Reports a failed attempt to open `user`'s session; resolves as `opening` does. */
    async opening<T>(user: string, opening: Promise<T>): Promise<T> {
      try {
        return await opening;
      } catch (error) {
        if (!(error instanceof XmppAuthError)) telemetry.xmpp({ kind: "error", user, reason: error instanceof Error ? error.message : String(error) });
        throw error;
      }
    },
    opened(bareJid: string): void {
      telemetry.xmpp({ kind: dropped.delete(bareJid) ? "reconnected" : "connected", user: bareJid });
    },
    /** `reason` undefined: the gateway closed the session itself (idle, shutdown). */
    closed(bareJid: string, reason: Error | undefined): void {
      telemetry.xmpp({ kind: "disconnected", user: bareJid, reason: reason?.message });
      if (!reason) return;
      dropped.add(bareJid);
      if (dropped.size > remember) dropped.delete(dropped.values().next().value!);
    },
  };
}
