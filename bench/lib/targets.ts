import type { Row, Target } from './results.ts';

/** The targets of issue 5 (SPEC §11), judged from the rows of one run. */
export function judgeTargets(rows: Row[], connections: number[]): Target[] {
  const high = Math.max(...connections);
  const find = (scenario: string) => rows.find((row) => row.scenario === scenario && row.load.endsWith(`-c${high}`) && row.result);
  const cc = find('client credentials ES256');
  const refresh = find('refresh with rotation');
  const measured = (value: number | undefined, text: (value: number) => string) => (value === undefined ? 'not run' : text(value));
  const judged = (value: number | undefined, test: (value: number) => boolean) => (value === undefined ? undefined : test(value));
  const failures = rows.reduce((sum, row) => sum + (row.result?.failures ?? 0) + (row.reference?.failures ?? 0), 0);

  return [
    {
      name: `client credentials ES256, c${high}: throughput`,
      requirement: '≥ 0.90× baseline req/s',
      measured: measured(cc?.ratioRate, (ratio) => `${ratio.toFixed(2)}× (${cc?.result?.rate} vs ${cc?.reference?.rate} req/s)`),
      met: judged(cc?.ratioRate, (ratio) => ratio >= 0.9),
    },
    {
      name: `client credentials ES256, c${high}: stretch`,
      requirement: '≥ 1.00× baseline req/s',
      measured: measured(cc?.ratioRate, (ratio) => `${ratio.toFixed(2)}×`),
      met: judged(cc?.ratioRate, (ratio) => ratio >= 1.0),
    },
    {
      name: `client credentials ES256, c${high}: tail latency`,
      requirement: 'p99 ≤ 1.20× baseline p99',
      measured: measured(cc?.ratioP99, (ratio) => `${ratio.toFixed(2)}× (${cc?.result?.p99Ms} vs ${cc?.reference?.p99Ms} ms)`),
      met: judged(cc?.ratioP99, (ratio) => ratio <= 1.2),
    },
    {
      name: `refresh with rotation on Redis, c${high}: throughput`,
      requirement: '≥ 2,000 tokens/s (median)',
      measured: measured(refresh?.result?.rate, (rate) => `${rate} tokens/s`),
      met: judged(refresh?.result?.rate, (rate) => rate >= 2000),
    },
    {
      name: `refresh with rotation on Redis, c${high}: tail latency`,
      requirement: 'p99 < 50 ms',
      measured: measured(refresh?.result?.p99Ms, (p99) => `${p99} ms`),
      met: judged(refresh?.result?.p99Ms, (p99) => p99 < 50),
    },
    {
      name: 'no failed requests',
      requirement: '0 non-2xx and 0 unanswered requests in every run',
      measured: `${failures}`,
      met: rows.some((row) => row.result) ? failures === 0 : undefined,
    },
  ];
}
