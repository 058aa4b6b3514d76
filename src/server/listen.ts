import type { Server } from "node:http";

/** Thrown by {@link listen} when the port is taken; its message is meant for operators as it is. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
}

/**
 * Starts `server` listening.
 * @throws PortInUseError naming PORT when another process holds the port; other errors as they come.
 */
export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(new PortInUseError(`PORT ${port} on ${host} is already in use by another process: stop it, or set PORT (--port) to a free port`));
      } else reject(error);
    };
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      resolve();
    });
  });
}
