import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The HTTP floor server as a child process (see http-floor-server.ts). */
export interface HttpFloor {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the floor server answering `body` to every request. */
export async function startHttpFloor(body: string): Promise<HttpFloor> {
  const script = fileURLToPath(new URL("./http-floor-server.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, FLOOR_BODY: body },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (c: string) => {
      text += c;
      if (text.includes("\n")) resolve(Number(text.trim()));
    });
    child.once("exit", (code) => reject(new Error(`the HTTP floor server exited (${code})`)));
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
