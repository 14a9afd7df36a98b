import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { wasBusy } from './machine.ts';
import type { BenchResult, Row, Summary, Target } from './results.ts';

const start = '<!-- bench:generated:start (npm run bench rewrites everything up to the end marker) -->';
const end = '<!-- bench:generated:end -->';

/**
 * Rewrites the generated part of the report and keeps everything around it (the hand-written
 * profile findings), so `npm run bench` refreshes the numbers without losing the analysis.
 */
export function writeReport(path: string, result: BenchResult, extraSections: string[]): void {
  const generated = [start, renderResults(result), ...extraSections, end].join('\n\n');
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n\n${start}\n${end}\n`;
  const from = existing.indexOf(start);
  const to = existing.indexOf(end);
  const next = from >= 0 && to > from ? existing.slice(0, from) + generated + existing.slice(to + end.length) : `${existing.trimEnd()}\n\n${generated}\n`;
  writeFileSync(path, next);
}

export function renderResults(result: BenchResult): string {
  const lines = [
    `## Results of the last run (${result.startedAt.slice(0, 16).replace('T', ' ')} UTC)`,
    '',
    `${result.settings.runs} A/B pair(s) of ${result.settings.durationS} s per scenario and connection count, after a ${result.settings.warmupS} s warm-up of each server; medians. ` +
      "Ratios are tollgate ÷ reference, the median of the per-pair ratios. CPU is the server process's user+system time " +
      '(from /proc/<pid>/stat, children included) per 1,000 requests, and Redis\'s after the "+". Failures count non-2xx responses and ' +
      'requests without a response, warm-ups included.',
    '',
    ...(wasBusy(result.machine)
      ? [
          `> **The machine was busy with other work when this run began** (load average ${result.machine.loadAverageAtStart} on ${result.machine.nproc} cores): the numbers, and even the ratios, are noisy. Run it again on a quiet machine.`,
          '',
        ]
      : []),
    renderTable(result.rows),
    '',
    '### Targets',
    '',
    renderTargets(result.targets),
    '',
    '### Machine',
    '',
    ...Object.entries(result.machine).map(([key, value]) => `- ${key}: ${value}`),
    '',
    'The load generator (wrk, one thread) runs on the same machine as the servers and competes with them for the same cores; nothing is pinned.',
    '',
    '### Commands',
    '',
    '```sh',
    ...result.commands,
    '```',
  ];
  return lines.join('\n');
}

function renderTable(rows: Row[]): string {
  const header =
    '| scenario | load | tollgate | p50 / p99 ms | CPU ms per 1k | reference | reference rate | p50 / p99 ms | CPU ms per 1k | ratio rate | ratio p99 | failures |';
  const divider = '| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const body = rows.map((row) => {
    if (!row.result) return `| ${row.scenario} | ${row.load} | ${row.note ?? 'not run'} | | | | | | | | | |`;
    const failures = row.result.failures + (row.reference?.failures ?? 0);
    return [
      '',
      row.scenario,
      row.load,
      `${formatRate(row.result.rate)} ${row.unit}`,
      latency(row.result),
      cpu(row.result),
      row.referenceName ?? '',
      row.reference ? `${formatRate(row.reference.rate)} ${row.unit}` : '',
      row.reference ? latency(row.reference) : '',
      row.reference ? cpu(row.reference) : '',
      row.ratioRate !== undefined ? `${row.ratioRate.toFixed(2)}×` : '',
      row.ratioP99 !== undefined ? `${row.ratioP99.toFixed(2)}×` : '',
      failures === 0 ? '0' : `**${failures}**`,
      '',
    ]
      .join(' | ')
      .trim();
  });
  const notes = [...new Set(rows.filter((row) => row.result && row.note).map((row) => `- ${row.scenario}: ${row.note}`))];
  return [header, divider, ...body, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function renderTargets(targets: Target[]): string {
  return [
    '| target | requirement | measured | status |',
    '| --- | --- | --- | --- |',
    ...targets.map(
      (target) =>
        `| ${target.name} | ${target.requirement} | ${target.measured} | ${target.met === undefined ? 'not measured' : target.met ? 'met' : '**not met**'} |`,
    ),
  ].join('\n');
}

const formatRate = (rate: number) => (rate >= 100 ? Math.round(rate).toLocaleString('en-US') : rate.toFixed(1));
const latency = (summary: Summary) => `${summary.p50Ms} / ${summary.p99Ms}`;
const cpu = (summary: Summary) =>
  summary.redisCpuMsPer1k !== undefined ? `${summary.serverCpuMsPer1k} + ${summary.redisCpuMsPer1k}` : `${summary.serverCpuMsPer1k}`;
