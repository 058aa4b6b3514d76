import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createConnection } from "node:net";
import { freePorts } from "../../scripts/sandbox/xmpp-wire.js";

/** A throwaway redis-server on a free loopback port, without persistence. */
export interface RedisSandbox { url: string; stop(): Promise<void> }

const REDIS_SERVER = "/usr/bin/redis-server";


/** Starts Debian's redis-server (CI installs the `redis-server` package). */
export async function startRedis(): Promise<RedisSandbox> {
  if (!existsSync(REDIS_SERVER)) throw new Error("redis-server is not installed: apt-get install redis-server");
  const port = (await freePorts(1))[0]!;
  const child: ChildProcess = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" }, () => { socket.end(); resolve(true); });
      socket.on("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) { child.kill("SIGKILL"); throw new Error("redis-server did not start"); }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
