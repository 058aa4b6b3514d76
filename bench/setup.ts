import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SandboxKind, SandboxUser, XmppSandbox } from "../scripts/sandbox/xmpp-sandbox.js";
import type { RawSessions } from "./context.js";
import { fillRoster, openRaw, rosterGet } from "./raw-client.js";
import { mapLimit } from "./stats.js";

const CONCURRENCY = 16;

/**
 * Gives every user `contacts` roster items (other bench users, subscription none, so no
 * presence traffic), then logs in the first `keep` users and keeps those sessions in `raw`
 * for the raw side of the later phases.
 *
 * In-band roster sets cost Prosody ~2 ms each (it rewrites the whole roster file every
 * time): ~40 s for 1 000 users × 20. So on Prosody the rosters are written straight into
 * the sandbox's storage (mod_storage_internal files) before anyone logs in, checked with a
 * real roster get, and only if that check fails are they set in band. ejabberd keeps
 * rosters in Mnesia, where in-band sets are cheap: always in band there.
 * @returns how the rosters were made.
 */
export async function fillRosters(
  sandbox: XmppSandbox,
  server: SandboxKind,
  users: readonly SandboxUser[],
  contacts: number,
  raw: RawSessions,
  keep: number,
): Promise<"storage-files" | "in-band"> {
  const target = { service: sandbox.service, domain: sandbox.domain };
  const contactsOf = (i: number) => Array.from({ length: contacts }, (_, k) => users[(i + k + 1) % users.length]!.jid);
  let how: "storage-files" | "in-band" = "storage-files";
  try {
    if (server !== "prosody") throw new Error("no storage files to write");
    await writeRosterFiles(sandbox, users, contactsOf);
    const probe = await openRaw(target, users[0]!, "bench-raw");
    const items = (await rosterGet(probe)).getChild("query")?.getChildren("item").length ?? 0;
    raw.adopt(users[0]!, probe);
    if (items !== contacts) throw new Error(`expected ${contacts} roster items, found ${items}`);
  } catch {
    how = "in-band";
    await mapLimit(users, CONCURRENCY, async (user, i) => {
      const session = await raw.of(user);
      await fillRoster(session, contactsOf(i));
    });
  }
  await mapLimit(users.slice(0, keep), CONCURRENCY, (user) => raw.of(user));
  return how;
}

/** Prosody's datamanager file-name encoding: every byte outside [A-Za-z0-9] as %xx. */
const encode = (s: string) => s.replace(/[^A-Za-z0-9]/g, (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0"));
const lua = (s: string) => JSON.stringify(s); // JSON string escapes are valid Lua string escapes

async function writeRosterFiles(sandbox: XmppSandbox, users: readonly SandboxUser[], contactsOf: (i: number) => string[]): Promise<void> {
  const dir = join(sandbox.dir, "data", encode(sandbox.domain), "roster");
  await mkdir(dir, { recursive: true });
  await mapLimit(users, 64, async (user, i) => {
    const items = contactsOf(i).map(
      (jid, k) => `\t[${lua(jid)}] = { ["groups"] = { ["bench"] = true; }; ["name"] = ${lua(`Contact ${k}`)}; ["subscription"] = "none"; };\n`,
    );
    await writeFile(join(dir, `${encode(user.username)}.dat`), `return {\n\t[false] = { ["version"] = 1; ["pending"] = {}; };\n${items.join("")}};\n`);
  });
}
