import type { BenchContext } from '../lib/context.ts';
import { runDeviceDriver, type DeviceDriverResult } from '../lib/device-runner.ts';
import { cpuTimeMs } from '../lib/processes.ts';
import { median, type Row } from '../lib/results.ts';
import { round } from '../lib/wrk.ts';

const concurrency = 8;

/**
 * Complete device logins per second over HTTP (device authorization, code entry, sign-in,
 * approval, device-code exchange), `concurrency` people at once. The sign-in verifies the
 * password with scrypt (N=2^15, deliberately ~50 ms of CPU), which bounds this scenario by
 * design; the baseline has no accounts or pages, so there is no baseline row.
 */
export async function deviceFlow(
  context: BenchContext,
): Promise<{ row: Row; runs: Array<DeviceDriverResult & { cpuMsPerCompletion: { server: number; redis: number } }> }> {
  context.log(`device flow, ${concurrency} concurrent logins`);
  const runs: Array<DeviceDriverResult & { cpuMsPerCompletion: { server: number; redis: number } }> = [];
  for (let index = 0; index < context.runs; index += 1) {
    const before = { server: cpuTimeMs(context.tollgate.pid), redis: cpuTimeMs(context.redis.pid) };
    const result = await runDeviceDriver(context.tollgate.url, { concurrency, durationS: context.durationS });
    const completions = Math.max(1, result.completions);
    const cpuMsPerCompletion = {
      server: round((cpuTimeMs(context.tollgate.pid) - before.server) / completions, 1),
      redis: round((cpuTimeMs(context.redis.pid) - before.redis) / completions, 2),
    };
    runs.push({ ...result, cpuMsPerCompletion });
    context.log(
      `  device flow run${index + 1} tollgate ${result.perSecond.toFixed(1)} logins/s  p50 ${result.p50Ms.toFixed(0)} ms  p99 ${result.p99Ms.toFixed(0)} ms` +
        (result.failures ? `  FAILED ${result.failures}: ${result.firstFailure}` : ''),
    );
  }
  const row: Row = {
    scenario: 'device flow completions',
    load: `${concurrency} concurrent logins (Node driver)`,
    unit: 'logins/s',
    subject: 'tollgate',
    result: {
      runs: runs.length,
      rate: round(median(runs.map((run) => run.perSecond)), 1),
      p50Ms: round(median(runs.map((run) => run.p50Ms)), 0),
      p99Ms: round(median(runs.map((run) => run.p99Ms)), 0),
      // Per login here, not per 1,000 requests: the report says so in the unit column.
      serverCpuMsPer1k: round(median(runs.map((run) => run.cpuMsPerCompletion.server)) * 1000, 0),
      redisCpuMsPer1k: round(median(runs.map((run) => run.cpuMsPerCompletion.redis)) * 1000, 0),
      failures: runs.reduce((sum, run) => sum + run.failures, 0),
    },
    note: 'device authorization, verification page, code, sign-in, approval, device-code exchange: 10 HTTP requests per login, one scrypt password check',
  };
  return { row, runs };
}
