/**
 * Installs a Debian package for a sandbox server, the way both sandboxes need it: only as
 * root, non-interactively, and with `apt-get update` only when the first try fails.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);
const APT_ENV = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };

/**
 * Runs `apt-get install -y <name>`, after `apt-get update` if the first try fails.
 * @param notRootMessage what to tell a user who is not root (naming the package to install).
 * @throws Error with `notRootMessage` when not root; the apt-get error when it fails.
 */
export async function installDebianPackage(name: string, notRootMessage: string): Promise<void> {
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot) throw new Error(notRootMessage);
  const install = () => execFileAsync("apt-get", ["install", "-y", name], { env: APT_ENV, maxBuffer: 64 * 1024 * 1024 });
  try {
    await install();
  } catch {
    // A fresh container usually has empty package lists; only then is `update` worth its time.
    await execFileAsync("apt-get", ["update"], { env: APT_ENV, maxBuffer: 64 * 1024 * 1024 });
    await install();
  }
}

/** Stops a system service a package's postinst may have started; absent services are fine. */
export async function stopSystemService(name: string): Promise<void> {
  await execFileAsync("service", [name, "stop"], { env: APT_ENV }).catch(() => undefined);
}
