import type { ServerProcess } from './processes.ts';
import type { BenchRedis } from './redis.ts';
import { pairRatio, summarize, type Row } from './results.ts';
import { runWrk, type Measurement, type WrkRun } from './wrk.ts';

/** Everything a scenario needs: the settings, the running servers, and where to record. */
export interface BenchContext {
  durationS: number;
  runs: number;
  warmupS: number;
  connections: number[];
  tmpDir: string;
  jwksFile: string;
  redis: BenchRedis;
  tollgate: ServerProcess;
  baseline: ServerProcess;
  /** With --against: tollgate as of that git ref, the reference instead of the baseline. */
  against?: { server: ServerProcess; ref: string };
  record(scenario: string, run: Measurement, warmup: boolean): void;
  log(message: string): void;
}

/** A server under load, and which processes' CPU time it is charged with. */
export interface Side {
  name: string;
  server: ServerProcess;
  cpu: Record<string, number>;
}

export function tollgateSide(context: BenchContext, server = context.tollgate, name = 'tollgate'): Side {
  return { name, server, cpu: { server: server.pid, redis: context.redis.pid } };
}

export function baselineSide(context: BenchContext): Side {
  if (context.against) return tollgateSide(context, context.against.server, `tollgate@${context.against.ref}`);
  return { name: 'baseline', server: context.baseline, cpu: { server: context.baseline.pid } };
}

/**
 * Warms both servers up, then runs A, B, A, B, ... `runs` times at a fixed connection count, so
 * that drift on a noisy machine hits both alike; the ratio is taken pair by pair.
 */
export async function comparePairs(
  context: BenchContext,
  options: {
    scenario: string;
    unit: string;
    connections: number;
    script: WrkRun['script'];
    env: (side: Side, run: string) => Record<string, string>;
    a: Side;
    b: Side;
  },
): Promise<Row> {
  const { scenario, connections, script, a, b } = options;
  const label = `${scenario} c${connections}`;
  const measure = async (side: Side, run: string, durationS: number) => {
    const result = await runWrk({ server: side.name, url: side.server.url, script, connections, durationS, env: options.env(side, run), cpu: side.cpu }).catch(
      (error: unknown) => {
        const { child } = side.server;
        if (child.exitCode === null && child.signalCode === null) throw error;
        throw new Error(`${side.name} exited (${child.exitCode ?? child.signalCode}) during ${label} ${run}:\n${side.server.output()}`, { cause: error });
      },
    );
    context.record(label, result, run === 'warmup');
    const failed = result.non2xx + result.socketErrors;
    context.log(
      `  ${label} ${run.padEnd(6)} ${side.name.padEnd(10)} ${String(result.rps).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms` +
        (failed ? `  FAILED ${failed}: ${result.firstFailure}` : ''),
    );
    return result;
  };

  const warmups = context.warmupS > 0 ? [await measure(a, 'warmup', context.warmupS), await measure(b, 'warmup', context.warmupS)] : [];
  const aRuns: Measurement[] = [];
  const bRuns: Measurement[] = [];
  for (let index = 0; index < context.runs; index += 1) {
    aRuns.push(await measure(a, `run${index + 1}`, context.durationS));
    bRuns.push(await measure(b, `run${index + 1}`, context.durationS));
  }
  return {
    scenario,
    load: `wrk -t1 -c${connections}`,
    unit: options.unit,
    subject: a.name,
    result: summarize(aRuns, 'server', warmups.slice(0, 1)),
    reference: summarize(bRuns, 'server', warmups.slice(1)),
    referenceName: b.name,
    ratioRate: pairRatio(aRuns, bRuns, (run) => run.rps),
    ratioP99: pairRatio(aRuns, bRuns, (run) => run.p99Ms),
  };
}
