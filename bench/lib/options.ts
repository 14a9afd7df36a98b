import { parseArgs } from 'node:util';

export const allScenarios = [
  'cc-es256',
  'cc-es256-memory',
  'cc-es256-keystore',
  'cc-rs256',
  'exchange',
  'jwt-bearer',
  'resource-token',
  'refresh',
  'device',
  'verifier',
  'workers',
] as const;
export type ScenarioName = (typeof allScenarios)[number];

export interface BenchOptions {
  durationS: number;
  runs: number;
  warmupS: number;
  connections: number[];
  scenarios: Set<ScenarioName>;
  profile: boolean;
  /** Where the markdown report goes; undefined = do not write one (quick runs). */
  report: string | undefined;
  quick: boolean;
  /** A git ref whose tollgate replaces the baseline as the reference (before/after of a change). */
  against: string | undefined;
}

const usage = `npm run bench [-- options]

  --quick              2 s runs, 1 pair, 1 s warm-up: checks the harness, numbers are noise;
                       writes bench/results/ only, not BENCHMARKS.md
  --duration <s>       seconds per timed run (default 10)
  --runs <n>           A/B pairs per scenario and connection count (default 3)
  --warmup <s>         untimed warm-up per server before the pairs (default 3; 0 = none)
  --connections <list> connection counts (default 1,32)
  --only <list>        scenarios: ${allScenarios.join(',')} (default: all)
  --profile, --no-profile
                       record node --cpu-prof profiles of both servers under client
                       credentials ES256 and refresh at the highest connection count, and of
                       tollgate under token exchange (set against its client credentials),
                       and compare them in the report (default: on, except with --quick/--against)
  --report <file>      markdown report to update (default BENCHMARKS.md; --quick: none)
  --against <git-ref>  compare with tollgate as of <git-ref> instead of the baseline, pair by
                       pair (before/after of a change); never writes BENCHMARKS.md
`;

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      runs: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      profile: { type: 'boolean' },
      report: { type: 'string' },
      against: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  const quick = values.quick as boolean;
  const scenarios = (values.only ?? allScenarios.join(',')).split(',').map((name) => name.trim());
  for (const name of scenarios) {
    if (!(allScenarios as readonly string[]).includes(name)) throw new Error(`unknown scenario "${name}"; choose from ${allScenarios.join(', ')}`);
  }
  const number = (text: string | undefined, fallback: number, name: string) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
    return value;
  };
  return {
    quick,
    durationS: number(values.duration, quick ? 2 : 10, 'duration'),
    runs: Math.max(1, Math.round(number(values.runs, quick ? 1 : 3, 'runs'))),
    warmupS: number(values.warmup, quick ? 1 : 3, 'warmup'),
    connections: (values.connections ?? '1,32').split(',').map((text) => Math.max(1, Math.round(number(text, 1, 'connections')))),
    scenarios: new Set(scenarios as ScenarioName[]),
    profile: values.profile ?? !(quick || values.against),
    report: values.against ? undefined : (values.report ?? (quick ? undefined : 'BENCHMARKS.md')),
    against: values.against,
  };
}
