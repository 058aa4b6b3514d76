/** A minimal leveled logger writing one line per event to stderr; cheap when a level is off. */
export interface Logger {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

const LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Creates a logger that drops everything below `level`. */
export function createLogger(level: LogLevel): Logger {
  const threshold = LEVELS.indexOf(level);
  const make = (name: Exclude<LogLevel, "silent">) => {
    if (LEVELS.indexOf(name) < threshold) return () => undefined;
    return (message: string, detail?: unknown) => {
      const suffix = detail === undefined ? "" : ` ${detail instanceof Error ? detail.stack ?? detail.message : JSON.stringify(detail)}`;
      process.stderr.write(`${new Date().toISOString()} ${name.toUpperCase()} ${message}${suffix}\n`);
    };
  };
  return { debug: make("debug"), info: make("info"), warn: make("warn"), error: make("error") };
}
