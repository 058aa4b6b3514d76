/**
 * What login a sandbox server offers, for tests of each SASL mechanism the gateway speaks.
 * Kept apart from the sandboxes themselves: each one only asks this module for its config
 * lines and, for `plain-tls`, for a throwaway certificate.
 *
 * - `scram-sha-1` (the default): SCRAM-SHA-1 on plain TCP, as every sandbox did before.
 * - `scram-sha-256`: SCRAM-SHA-256 only (Prosody `password_hash = "SHA-256"`, ejabberd
 *   `auth_scram_hash: sha256`), passwords stored as SHA-256 SCRAM.
 * - `plain-tls`: PLAIN only, offered once the client has done STARTTLS with a self-signed
 *   certificate for the domain (the sandbox's `tlsCaFile`, which a client must trust).
 */
import { execFile } from "node:child_process";
import { chmod, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export type SaslProfile = "scram-sha-1" | "scram-sha-256" | "plain-tls";
export const SASL_PROFILES: readonly SaslProfile[] = ["scram-sha-1", "scram-sha-256", "plain-tls"];

/** A self-signed certificate for the sandbox's domain: PEM files in the sandbox's dir. */
export interface SandboxCertificate {
  /** The certificate; also what a client must trust (it is its own CA). */
  certFile: string;
  keyFile: string;
  /** Certificate and key in one file, as ejabberd's `certfiles` takes them. */
  combinedFile: string;
}

/** Throws unless `value` is a known profile (undefined means the default). */
export function parseSaslProfile(value: string | undefined): SaslProfile {
  if (value === undefined) return "scram-sha-1";
  if ((SASL_PROFILES as readonly string[]).includes(value)) return value as SaslProfile;
  throw new Error(`sasl must be one of ${SASL_PROFILES.join(", ")}, not ${JSON.stringify(value)}`);
}

/**
 * Writes a self-signed certificate (P-256, valid for two days) for `domain` into `dir` with
 * `openssl req`. Readable by all: a server that drops root (ejabberd) must read the key.
 * @throws when openssl is missing or fails.
 */
export async function writeSelfSignedCertificate(dir: string, domain: string): Promise<SandboxCertificate> {
  const certFile = join(dir, "sandbox-cert.pem");
  const keyFile = join(dir, "sandbox-key.pem");
  const combinedFile = join(dir, "sandbox-cert-and-key.pem");
  await execFileAsync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "2",
    "-subj", `/CN=${domain}`, "-addext", `subjectAltName=DNS:${domain}`,
  ]);
  await writeFile(combinedFile, (await readFile(certFile, "utf8")) + (await readFile(keyFile, "utf8")));
  for (const file of [certFile, keyFile, combinedFile]) await chmod(file, 0o644);
  return { certFile, keyFile, combinedFile };
}

const q = (v: string) => JSON.stringify(v);

/** Prosody global settings for a profile (appended after the sandbox's own, so they win). */
export function prosodySaslSettings(profile: SaslProfile, cert: SandboxCertificate | undefined): string {
  switch (profile) {
    case "scram-sha-1":
      return "";
    case "scram-sha-256":
      return `-- SASL profile scram-sha-256: passwords hashed for SCRAM-SHA-256, the only SCRAM offered.
password_hash = "SHA-256"
`;
    case "plain-tls":
      if (!cert) throw new Error("the plain-tls profile needs a certificate");
      return `-- SASL profile plain-tls: STARTTLS with a self-signed certificate, then PLAIN only
-- (mod_saslauth never offers PLAIN on an unencrypted stream).
ssl = { certificate = ${q(cert.certFile)}; key = ${q(cert.keyFile)} }
disable_sasl_mechanisms = { "DIGEST-MD5", "SCRAM-SHA-1", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256", "SCRAM-SHA-256-PLUS" }
`;
  }
}

/** Modules Prosody must load for a profile (the sandbox disables mod_tls otherwise). */
export function prosodySaslModules(profile: SaslProfile): string[] {
  return profile === "plain-tls" ? ["tls"] : [];
}

/** ejabberd top-level settings for a profile, in place of the sandbox's `disable_sasl_mechanisms`. */
export function ejabberdSaslSettings(profile: SaslProfile, cert: SandboxCertificate | undefined): string {
  switch (profile) {
    case "scram-sha-1":
      return `disable_sasl_mechanisms:
  - "PLAIN"
  - "DIGEST-MD5"
  - "X-OAUTH2"
`;
    case "scram-sha-256":
      return `# SASL profile scram-sha-256: passwords stored as SHA-256 SCRAM, the only SCRAM offered.
auth_scram_hash: sha256
disable_sasl_mechanisms:
  - "PLAIN"
  - "DIGEST-MD5"
  - "X-OAUTH2"
  - "SCRAM-SHA-1"
`;
    case "plain-tls":
      if (!cert) throw new Error("the plain-tls profile needs a certificate");
      return `# SASL profile plain-tls: STARTTLS (c2s starttls: true) with a self-signed certificate; PLAIN only.
certfiles:
  - ${q(cert.combinedFile)}
disable_sasl_mechanisms:
  - "DIGEST-MD5"
  - "X-OAUTH2"
  - "SCRAM-SHA-1"
  - "SCRAM-SHA-256"
  - "SCRAM-SHA-512"
`;
  }
}
