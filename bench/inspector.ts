import { get } from "node:http";
import WebSocket from "ws";

/*
 * The gateway runs with `--inspect=127.0.0.1:<port>` so that the benchmark can force a full
 * garbage collection before reading its RSS: RSS growth without it counts the garbage of
 * the logins just made, not what an idle pooled session keeps. Only the HeapProfiler and
 * Runtime domains are used, and only for a moment; no debugger is enabled.
 */

/** What the gateway's heap looks like right after a full GC. */
export interface HeapAfterGc {
  rssKb: number;
  heapUsedKb: number;
  externalKb: number;
}

function debuggerUrl(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: "127.0.0.1", port, path: "/json/list", agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        try {
          const targets = JSON.parse(text) as Array<{ webSocketDebuggerUrl: string }>;
          resolve(targets[0]!.webSocketDebuggerUrl);
        } catch (error) {
          reject(error);
        }
      });
    }).on("error", reject);
  });
}

/** Forces full GCs in the process inspected on `port`, then reads its memoryUsage(). */
export async function collectGarbage(port: number): Promise<HeapAfterGc> {
  const socket = new WebSocket(await debuggerUrl(port));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: any; error?: { message: string } };
    const call = message.id === undefined ? undefined : pending.get(message.id);
    if (!call) return;
    pending.delete(message.id!);
    if (message.error) call.reject(new Error(message.error.message));
    else call.resolve(message.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    // V8 hands freed pages back to the OS a moment after a GC: collect, wait, collect again.
    for (let i = 0; i < 3; i++) {
      await send("HeapProfiler.collectGarbage");
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const { result } = await send("Runtime.evaluate", { expression: "JSON.stringify(process.memoryUsage())", returnByValue: true });
    const usage = JSON.parse(result.value as string) as { rss: number; heapUsed: number; external: number };
    return { rssKb: usage.rss / 1024, heapUsedKb: usage.heapUsed / 1024, externalKb: usage.external / 1024 };
  } finally {
    socket.close();
  }
}
