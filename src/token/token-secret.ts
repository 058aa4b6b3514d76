import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** What TOKEN_SECRET must be at least, and what a generated secret always is. */
export const MIN_SECRET_LENGTH = 32;

/**
 * The token secret kept in `path`, generated on first use when the operator set none:
 * 32 random bytes (base64url), in a file only the gateway's user can read (mode 0600).
 * One instance then issues tokens with no setting, and they survive its restarts.
 * Several gateways started at once on one data directory agree on one secret: the file
 * appears complete or not at all (written aside, then hard-linked into place), and only
 * the first link wins.
 * @throws Error when the file exists but holds a secret too short to be one of ours.
 */
export async function loadOrCreateTokenSecret(path: string): Promise<string> {
  const existing = await readSecret(path);
  if (existing !== undefined) return existing;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  try {
    await link(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    await rm(temp, { force: true });
  }
  const secret = await readSecret(path);
  if (secret === undefined) throw new Error(`token secret file ${path} vanished while it was being created`);
  return secret;
}

async function readSecret(path: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`token secret file ${path} holds fewer than ${MIN_SECRET_LENGTH} characters: delete it to generate a new one, or set TOKEN_SECRET`);
  }
  return secret;
}
