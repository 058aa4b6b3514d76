import { ConfigError, loadConfig } from "./config.js";
import { createApp } from "./app.js";
import { createLogger } from "./logger.js";
import { PortInUseError } from "./server/listen.js";

// Entry point of `npm start`: configuration from the environment, then the server.
let config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
const logger = createLogger({ level: config.logLevel, format: config.logFormat });
const app = createApp(config, { logger });
let url: string;
try {
  url = await app.start();
} catch (error) {
  // A taken port is an operator's everyday mistake: one line that names the setting.
  if (!(error instanceof PortInUseError)) throw error;
  process.stderr.write(`xmpp-graphql: ${error.message}\n`);
  process.exit(1);
}
logger.info({ event: "listening", url: `${url}/api/graphql`, xmpp: config.xmpp.service, domain: config.xmpp.domain }, `xmpp-graphql listening on ${url}/api/graphql`);

// Network errors from a peer that vanished must never take the gateway down; anything
// else unexpected is logged and ends the process (a supervisor restarts it).
const NETWORK_ERRORS = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "ENOTCONN"]);
process.on("uncaughtException", (error: NodeJS.ErrnoException) => {
  if (error.code && NETWORK_ERRORS.has(error.code)) {
    logger.warn({ event: "network_error", code: error.code }, "network error outside a request");
    return;
  }
  logger.error({ err: error }, "uncaught exception");
  process.exit(1);
});

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ event: "stopping", signal }, "closing XMPP sessions and stopping");
  app.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, "shutdown failed");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
