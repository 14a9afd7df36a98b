import type { Measurement } from './wrk.ts';
import { round } from './wrk.ts';

/** Medians of a set of runs of one server in one scenario. */
export interface Summary {
  runs: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** Server process CPU per 1,000 requests (or completions), ms; and its Redis's, when it has one. */
  serverCpuMsPer1k: number;
  redisCpuMsPer1k?: number;
  /** Non-2xx responses plus requests that got no response, over every run (warm-ups included). */
  failures: number;
}

/** One line of the results table. */
export interface Row {
  scenario: string;
  load: string;
  unit: string;
  subject: string;
  result?: Summary;
  reference?: Summary;
  referenceName?: string;
  /** Median over the A/B pairs of subject ÷ reference. */
  ratioRate?: number;
  ratioP99?: number;
  note?: string;
}

export interface Target {
  name: string;
  requirement: string;
  measured: string;
  met: boolean | undefined;
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  machine: Record<string, string>;
  settings: Record<string, string | number>;
  rows: Row[];
  targets: Target[];
  runs: Array<Measurement & { scenario: string; warmup: boolean }>;
  commands: string[];
  profile?: unknown;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Medians of wrk runs; `failures` also counts the warm-up runs passed in `extra`. */
export function summarize(runs: Measurement[], serverLabel: string, extra: Measurement[] = []): Summary {
  const failures = [...runs, ...extra].reduce((sum, run) => sum + run.non2xx + run.socketErrors, 0);
  const redis = runs.map((run) => run.cpuMsPer1k.redis).filter((value): value is number => value !== undefined);
  return {
    runs: runs.length,
    rate: round(median(runs.map((run) => run.rps)), 0),
    p50Ms: round(median(runs.map((run) => run.p50Ms)), 2),
    p99Ms: round(median(runs.map((run) => run.p99Ms)), 2),
    serverCpuMsPer1k: round(median(runs.map((run) => run.cpuMsPer1k[serverLabel] ?? Number.NaN)), 1),
    ...(redis.length ? { redisCpuMsPer1k: round(median(redis), 1) } : {}),
    failures,
  };
}

/** Median over pairs of a ÷ b, for a value picked from each run. */
export function pairRatio(a: Measurement[], b: Measurement[], pick: (run: Measurement) => number): number {
  const ratios = a.map((run, index) => pick(run) / pick(b[index] as Measurement));
  return round(median(ratios), 3);
}
