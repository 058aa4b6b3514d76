import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";

/*
 * The gateway's logs: one JSON object per line (pino) on stderr, or a short human line per
 * event in development (LOG_FORMAT=pretty, what `npm run dev` uses). Secrets never reach a
 * log call; the redaction below is the second line of defence for headers and credentials
 * that a detail object might carry by mistake.
 */

export type Logger = PinoLogger;
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
export type LogFormat = "json" | "pretty";

// Fixed paths only: pino's wildcard redaction costs on every line.
const REDACT = ["authorization", "password", "token", "accessToken", "refreshToken", "headers.authorization", "req.headers.authorization"];

export interface LoggerOptions {
  level: LogLevel;
  format?: LogFormat;
  /** Where lines go (tests pass their own); default stderr. */
  destination?: DestinationStream;
}

/** Creates the app's logger. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? (options.format === "pretty" ? prettyStream(process.stderr) : pino.destination({ fd: 2 }));
  return pino({
    level: options.level,
    base: undefined,
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT, censor: "[redacted]" },
    formatters: { level: (label) => ({ level: label }) },
  }, destination);
}

const SKIP = new Set(["level", "time", "msg"]);

/** `12:00:01 INFO  msg key=value …` from pino's JSON lines. */
export function prettyStream(out: NodeJS.WritableStream): DestinationStream {
  return {
    write(line: string) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const time = typeof entry.time === "string" ? entry.time.slice(11, 19) : "";
      const fields = Object.entries(entry)
        .filter(([key]) => !SKIP.has(key))
        .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
        .join(" ");
      out.write(`${time} ${String(entry.level).toUpperCase().padEnd(5)} ${entry.msg ?? ""}${fields ? `  ${fields}` : ""}\n`);
    },
  };
}
