/**
 * One entry point for tests and benchmarks that run against either sandbox server:
 * `startSandbox("prosody")` or `startSandbox("ejabberd")` resolve to the same shape
 * (`XmppSandbox`), so a test written once runs against both.
 */
import { startEjabberd, type EjabberdSandbox, type StartEjabberdOptions } from "./ejabberd.js";
import { startProsody, type StartProsodyOptions } from "./prosody.js";
import type { SandboxKind, SandboxOptions, XmppSandbox } from "./sandbox-base.js";

export type { SandboxKind, SandboxOptions, SandboxUser, ServerConfig, ServerConfigValue, XmppSandbox } from "./sandbox-base.js";
export type { EjabberdSandbox, StartEjabberdOptions } from "./ejabberd.js";
export type { StartProsodyOptions } from "./prosody.js";

/** Every kind, in the order the compatibility matrix lists them. */
export const SANDBOX_KINDS: readonly SandboxKind[] = ["prosody", "ejabberd"];

/**
 * Starts a throwaway server of the given kind on free loopback ports.
 * Throws what {@link startProsody} / {@link startEjabberd} throw (not installed, startup
 * timeout with the log tail), or an Error for an unknown kind.
 */
export function startSandbox(kind: "ejabberd", opts?: StartEjabberdOptions): Promise<EjabberdSandbox>;
export function startSandbox(kind: "prosody", opts?: StartProsodyOptions): Promise<XmppSandbox>;
export function startSandbox(kind: SandboxKind, opts?: SandboxOptions): Promise<XmppSandbox>;
export function startSandbox(kind: SandboxKind, opts: SandboxOptions = {}): Promise<XmppSandbox> {
  switch (kind) {
    case "prosody":
      return startProsody(opts);
    case "ejabberd":
      return startEjabberd(opts);
    default:
      return Promise.reject(new Error(`unknown sandbox kind ${JSON.stringify(kind)}; use one of ${SANDBOX_KINDS.join(", ")}`));
  }
}

/**
 * Reads a sandbox kind from a string such as an environment variable's value
 * (`XMPP_SERVER=ejabberd npm run test:integration`); `prosody` when empty or undefined.
 * Throws on anything else, so that a typo does not silently test the wrong server.
 */
export function parseSandboxKind(value: string | undefined): SandboxKind {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "") return "prosody";
  if ((SANDBOX_KINDS as readonly string[]).includes(v)) return v as SandboxKind;
  throw new Error(`unknown sandbox kind ${JSON.stringify(value)}; use one of ${SANDBOX_KINDS.join(", ")}`);
}
