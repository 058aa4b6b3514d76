/**
 * On-demand soak: `npm run soak -- [--subscribers 1000] [--minutes 10] [--rate 100] [--events]`.
 * Prints messages sent/received/duplicated/missing, error counts, latency and RSS over time.
 * `--events` runs the subscribers on `events.stream` (messages and contacts' presence
 * changes) instead of `stanza.subscribeForMessages`, and also counts presence events.
 */
import { parseArgs } from "node:util";
import { runSoak } from "../test/support/soak.js";

const { values } = parseArgs({
  options: {
    subscribers: { type: "string", default: "1000" },
    minutes: { type: "string", default: "10" },
    rate: { type: "string", default: "100" },
    events: { type: "boolean", default: false },
  },
});
const report = await runSoak({
  subscribers: Number(values.subscribers),
  seconds: Number(values.minutes) * 60,
  ratePerSecond: Number(values.rate),
  stream: values.events ? "events" : "stanza",
  onProgress: (line) => process.stderr.write(`${new Date().toISOString()} ${line}\n`),
});
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
process.exit(report.missing === 0 && report.duplicates === 0 && !report.subscribersWithoutPresence ? 0 : 1);
