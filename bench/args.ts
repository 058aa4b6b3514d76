/** The benchmark's phases, in the order they run (see run.ts for why this order). */
export const PHASES = ["latency", "cold", "delivery", "scaling", "throughput"] as const;
export type Phase = (typeof PHASES)[number];

/** Sizes and durations of one run. */
export interface BenchOptions {
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
  phases: Set<Phase>;
  /** Run the gateway under `--cpu-prof` (only the throughput phase unless --phases says otherwise). */
  profile: boolean;
  /** The gateway's entry module (to compare a candidate change); `src/main.ts` by default. */
  entry: string;
  /** Extra node flags for the gateway process only (e.g. --max-semi-space-size=64). */
  nodeArgs: string[];
}

const USAGE = `npm run bench -- [--quick] [--sessions N] [--phases ${PHASES.join(",")}] [--profile]
  --quick        smaller counts and shorter durations (under a minute)
  --sessions N   pooled sessions for the memory figure (default 1000; 200 with --quick)
  --phases LIST  run only these phases (comma-separated)
  --profile      run the gateway with --cpu-prof and print its top self-time functions
  --entry FILE   start the gateway from FILE instead of src/main.ts (A/B a candidate change)
  --node-arg X   pass a node flag to the gateway process only (repeatable)`;

/** Parses the command line; exits with the usage text on a mistake. */
export function parseArgs(argv: readonly string[]): BenchOptions {
  let quick = false;
  let sessions: number | undefined;
  let phases: Set<Phase> | undefined;
  let profile = false;
  let entry = "src/main.ts";
  const nodeArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--quick") quick = true;
    else if (arg === "--profile") profile = true;
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
  if (sessions !== undefined && (!Number.isInteger(sessions) || sessions < 20)) usage("--sessions must be an integer ≥ 20");
  const top = sessions ?? (quick ? 200 : 1000);
  const steps = (quick ? [10, 50, 200] : [10, 100, 1000]).filter((s) => s < top);
  return {
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
    phases: phases ?? (profile ? new Set<Phase>(["throughput"]) : new Set(PHASES)),
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
