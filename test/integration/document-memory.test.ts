import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicAuth } from "../support/gateway.js";
import { useGateway } from "../support/use-gateway.js";
import type { SandboxUser } from "../../scripts/sandbox/xmpp-sandbox.js";

// Issue 14 item 2: documents padded with comments (which the token limit does not count)
// must not pin memory. The bounds stated here, over 1 000 distinct 1 MB comment-padded
// queries plus 300 distinct documents just under the size cap (each ~50 000 comment
// tokens, ~6 MB parsed) — without the size cap and the byte-bounded cache these pinned
// ~1 GB and ~1.7 GB respectively:
// - what stays reachable after a full collection grows by less than HEAP_BOUND_MB;
// - this whole process (the test's HTTP client and the gateway, which move 1.3 GB of
//   requests between them) grows by less than RSS_BOUND_MB. RSS is the allocator's to
//   give back: Node 20 returned most of it (+124–140 MB), Node 24 keeps more (+460–780 MB
//   here), so it is the loose bound and the heap the tight one.
const RSS_BOUND_MB = 1024;
// What stays reachable: the document cache's budget (DOCUMENT_CACHE_BYTES, 32 MiB) and slack.
const HEAP_BOUND_MB = 64;
const gw = useGateway();
let alice: SandboxUser;

beforeAll(async () => {
  alice = await gw.sandbox.createUser();
});

// The gateway runs in this process: force a full collection before each reading, so that
// what is measured is what stays pinned, not garbage the client and server left behind.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const settledMb = () => {
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: rss / 2 ** 20, heap: heapUsed / 2 ** 20 };
};

/**
 * `{ checkAuth { username } }` after comment lines up to about `bytes`, distinct per `n`:
 * long lines of 200 bytes, so that the JSON body stays under MAX_BODY_BYTES (1 MiB), and
 * short ones of 4 bytes, the most comment tokens per byte.
 */
function padded(n: number, bytes: number, lineBytes: number): string {
  const line = `#${String(n).padEnd(lineBytes - 2, "-")}\n`;
  return line.repeat(Math.floor((bytes - 40) / line.length)) + "{ checkAuth { username } }";
}

async function post(query: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${gw.url}/api/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: basicAuth(alice) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
  return { status: response.status, code: body.errors?.[0]?.extensions?.code };
}

/** Sends `count` requests, `parallel` at a time; returns how many answered each status/code. */
async function flood(count: number, parallel: number, make: (i: number) => string): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    for (let i = next++; i < count; i = next++) {
      const { status, code } = await post(make(i));
      const key = `${status} ${code ?? "ok"}`;
      seen[key] = (seen[key] ?? 0) + 1;
    }
  }));
  return seen;
}

describe("memory under crafted documents", () => {
  it(`keeps RSS growth under ${RSS_BOUND_MB} MB`, async () => {
    expect((await post("{ checkAuth { username } }")).status).toBe(200);
    const before = settledMb();
    let t = Date.now();
    const cap = gw.config.limits.document.maxBytes;

    const large = await flood(1000, 4, (i) => padded(i, 1_000_000, 200));
    expect(large).toEqual({ "400 query_too_large": 1000 });
    console.log(`1 000 x 1 MB: ${Date.now() - t} ms`);
    t = Date.now();

    const underCap = await flood(300, 2, (i) => padded(i, cap - 100, 4));
    expect(underCap).toEqual({ "200 ok": 300 });

    console.log(`300 under the cap: ${Date.now() - t} ms`);
    const after = settledMb();
    console.log(`after GC: RSS ${before.rss.toFixed(0)} -> ${after.rss.toFixed(0)} MB, heap ${before.heap.toFixed(0)} -> ${after.heap.toFixed(0)} MB`);
    expect(after.heap - before.heap).toBeLessThan(HEAP_BOUND_MB);
    expect(after.rss - before.rss).toBeLessThan(RSS_BOUND_MB);
  }, 240_000);
});
