import { parseSandboxKind, SANDBOX_KINDS, type SandboxKind } from "../scripts/sandbox/xmpp-sandbox.js";
import type { PasswordFormat } from "./context.js";

/** The benchmark's phases, in the order they run (see run.ts for why this order). */
export const PHASES = ["latency", "cold", "delivery", "scaling", "throughput", "telemetry", "reproof", "conversations"] as const;
export type Phase = (typeof PHASES)[number];

/** Sizes and durations of one run. */
export interface BenchOptions {
  /** The XMPP server the sandbox runs. */
  server: SandboxKind;
  /**
   * ejabberd only: one pass per password storage format (`auth_password_format`), each
   * with a fresh server, users and gateway. Empty on Prosody.
   */
  passwordFormats: PasswordFormat[];
  /**
   * Prosody only: where the sandbox keeps its data. `sql` (SQLite) by default when the
   * conversations phase runs — Prosody's internal store reads a user's whole archive (or
   * private storage) file on every query of it, which no deployment with 10 000-message
   * archives uses — else `internal`.
   */
  prosodyStorage: "internal" | "sql";
  quick: boolean;
  /** Pooled sessions at the last scaling step (the memory figure). */
  sessions: number;
  scaleSteps: number[];
  /** Sequential requests per side at each scaling step. */
  scaleSamples: number;
  contacts: number;
  latencySamples: number;
  coldSamples: number;
  deliverySamples: number;
  throughputUsers: number;
  throughputSeconds: number;
  warmupSeconds: number;
  /** The conversation list: peers of the one user (one conversation each), messages in all, warm samples, restarts. */
  conversationPeers: number;
  conversationMessages: number;
  conversationWarmSamples: number;
  conversationRestarts: number;
  phases: Set<Phase>;
  /** Run the gateway under `--cpu-prof` (only the throughput phase unless --phases says otherwise). */
  profile: boolean;
  /**
   * The gateway's entry module (to compare a candidate change; a `.ts` file runs under
   * tsx); unset: the start script's, dist/main.js, built first if stale.
   */
  entry: string | undefined;
  /** Extra node flags for the gateway process only (e.g. --max-semi-space-size=64). */
  nodeArgs: string[];
}

const USAGE = `npm run bench -- [--server prosody|ejabberd] [--password-format scram|plain|both] [--quick]
                               [--sessions N] [--phases ${PHASES.join(",")}] [--profile]
  --server S     the sandbox XMPP server: prosody (default) or ejabberd; on ejabberd the
                 roster figures get a third column, ejabberd's own mod_http_api get_roster
  --password-format F   ejabberd only: how it stores passwords, scram, plain or both
                 (default both: one pass each, a fresh server each time)
  --prosody-storage internal|sql   Prosody only: where its data lives (default sql, i.e.
                 SQLite, when the conversations phase runs, else internal)
  --quick        smaller counts and shorter durations (under a minute per pass)
  --sessions N   pooled sessions for the memory figure (default 1000; 200 with --quick)
  --phases LIST  run only these phases (comma-separated)
  --profile      run the gateway with --cpu-prof and print its top self-time functions
  --entry FILE   start the gateway from FILE (a .ts file runs under tsx) instead of the
                 start script's dist/main.js, which is built first when stale
  --node-arg X   pass a node flag to the gateway process only (repeatable)`;

/** Parses the command line; exits with the usage text on a mistake. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let server: SandboxKind = "prosody";
  let passwordFormat: string | undefined;
  let prosodyStorage: string | undefined;
  let quick = false;
  let sessions: number | undefined;
  let phases: Set<Phase> | undefined;
  let profile = false;
  let entry: string | undefined;
  const nodeArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--quick") quick = true;
    else if (arg === "--server" || arg.startsWith("--server=")) {
      const value = arg === "--server" ? argv[++i] : arg.slice("--server=".length);
      if (!value) usage("--server needs a value");
      try {
        server = parseSandboxKind(value ?? "");
      } catch {
        usage(`--server must be one of ${SANDBOX_KINDS.join(", ")}`);
      }
    } else if (arg === "--password-format") passwordFormat = argv[++i] ?? usage("--password-format needs a value");
    else if (arg.startsWith("--password-format=")) passwordFormat = arg.slice("--password-format=".length);
    else if (arg === "--profile") profile = true;
    else if (arg === "--prosody-storage") prosodyStorage = argv[++i] ?? usage("--prosody-storage needs a value");
    else if (arg.startsWith("--prosody-storage=")) prosodyStorage = arg.slice("--prosody-storage=".length);
    else if (arg === "--entry") entry = argv[++i] ?? usage("--entry needs a file");
    else if (arg === "--node-arg") nodeArgs.push(argv[++i] ?? usage("--node-arg needs a flag"));
    else if (arg.startsWith("--node-arg=")) nodeArgs.push(arg.slice("--node-arg=".length));
    else if (arg === "--sessions") sessions = Number(argv[++i]);
    else if (arg.startsWith("--sessions=")) sessions = Number(arg.slice("--sessions=".length));
    else if (arg === "--phases" || arg.startsWith("--phases=")) {
      const list = arg === "--phases" ? argv[++i] ?? "" : arg.slice("--phases=".length);
      phases = new Set(list.split(",").map((p) => p.trim()).filter(Boolean) as Phase[]);
      for (const p of phases) if (!PHASES.includes(p)) usage(`unknown phase ${p}`);
    } else if (arg === "--help" || arg === "-h") usage();
    else usage(`unknown argument ${arg}`);
  }
  if (prosodyStorage !== undefined && server !== "prosody") usage("--prosody-storage applies to --server prosody only");
  if (prosodyStorage !== undefined && prosodyStorage !== "internal" && prosodyStorage !== "sql") usage("--prosody-storage must be internal or sql");
  if (sessions !== undefined && (!Number.isInteger(sessions) || sessions < 20)) usage("--sessions must be an integer ≥ 20");
  if (passwordFormat !== undefined && server !== "ejabberd") usage("--password-format applies to --server ejabberd only");
  if (passwordFormat !== undefined && !["scram", "plain", "both"].includes(passwordFormat)) usage("--password-format must be scram, plain or both");
  const passwordFormats: PasswordFormat[] =
    server !== "ejabberd" ? [] : passwordFormat === "scram" || passwordFormat === "plain" ? [passwordFormat] : ["scram", "plain"];
  const top = sessions ?? (quick ? 200 : 1000);
  const steps = (quick ? [10, 50, 200] : [10, 100, 1000]).filter((s) => s < top);
  const chosenPhases = phases ?? (profile ? new Set<Phase>(["throughput"]) : new Set(PHASES));
  return {
    server,
    passwordFormats,
    prosodyStorage: (prosodyStorage as "internal" | "sql" | undefined) ?? (chosenPhases.has("conversations") ? "sql" : "internal"),
    quick,
    sessions: top,
    scaleSteps: [...steps, top],
    scaleSamples: quick ? 200 : 600,
    contacts: 20,
    latencySamples: quick ? 800 : 4000,
    coldSamples: quick ? 16 : 60,
    deliverySamples: quick ? 40 : 200,
    throughputUsers: quick ? 50 : 200,
    throughputSeconds: quick ? 4 : 20,
    warmupSeconds: quick ? 1 : 3,
    conversationPeers: quick ? 50 : 200,
    conversationMessages: quick ? 1000 : 10_000,
    conversationWarmSamples: quick ? 50 : 100,
    conversationRestarts: quick ? 2 : 5,
    phases: chosenPhases,
    profile,
    entry,
    nodeArgs,
  };
}

function usage(problem?: string): never {
  if (problem) process.stderr.write(`${problem}\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(problem ? 2 : 0);
}
