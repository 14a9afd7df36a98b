import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { baselineSide, tollgateSide, type BenchContext, type Side } from '../lib/context.ts';
import { summarizeProfile, type ProfileSummary } from '../lib/cpu-profile.ts';
import { startBaseline, startTollgate } from '../lib/servers.ts';
import { basicAuthorization, fixtures } from '../lib/tollgate-fixtures.ts';
import { round, runWrk } from '../lib/wrk.ts';

/**
 * `node --cpu-prof` of a fresh tollgate and a fresh baseline under client credentials ES256 at
 * the highest connection count, then where each spends its CPU per 1,000 tokens, by owner
 * (package, our src/ file, GC). The difference column is what tollgate adds.
 */
export async function profileServers(context: BenchContext, resultsDir: string): Promise<{ data: unknown; markdown: string }> {
  const connections = Math.max(...context.connections);
  const directory = join(resultsDir, `profiles-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const env = {
    BENCH_BODY: `grant_type=client_credentials&resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`,
    BENCH_AUTHORIZATION: basicAuthorization(fixtures.clientId, fixtures.clientSecret),
  };

  const profileOne = async (name: 'tollgate' | 'baseline') => {
    const dir = join(directory, name);
    mkdirSync(dir, { recursive: true });
    const nodeArgs = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
    const server =
      name === 'tollgate'
        ? await startTollgate({ redisUrl: context.redis.url, jwksFile: context.jwksFile, nodeArgs, name: 'tollgate (profiled)' })
        : await startBaseline({ jwksFile: context.jwksFile, nodeArgs });
    const side: Side = name === 'tollgate' ? tollgateSide(context, server) : { ...baselineSide(context), server, cpu: { server: server.pid } };
    const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
    let requests: number;
    let window: { fromUs: number; toUs: number };
    try {
      if (context.warmupS > 0) await runWrk({ server: name, url: server.url, script: 'token.lua', connections, durationS: context.warmupS, env, cpu: side.cpu });
      const fromUs = monotonicUs();
      const run = await runWrk({ server: name, url: server.url, script: 'token.lua', connections, durationS: context.durationS, env, cpu: side.cpu });
      window = { fromUs, toUs: monotonicUs() };
      requests = run.requests;
      context.log(`  profile ${name.padEnd(9)} ${run.rps} req/s under the profiler`);
    } finally {
      await server.stop();
    }
    const file = readdirSync(dir).find((entry) => entry.endsWith('.cpuprofile'));
    if (!file) throw new Error(`${name} wrote no CPU profile into ${dir}:\n${server.output()}`);
    // Only the timed run counts: not start-up, warm-up or shutdown.
    return { file: join(dir, file), requests, summary: summarizeProfile(join(dir, file), window) };
  };

  context.log(`profile: client credentials ES256, ${connections} connections, node --cpu-prof`);
  const tollgate = await profileOne('tollgate');
  const baseline = await profileOne('baseline');
  return {
    data: { directory, tollgate, baseline },
    markdown: renderProfile(tollgate, baseline, connections),
  };
}

type Profiled = { file: string; requests: number; summary: ProfileSummary };

function renderProfile(tollgate: Profiled, baseline: Profiled, connections: number): string {
  const per1k = (ms: number, requests: number) => round(ms / (requests / 1000), 1);
  const owners = new Set([...Object.keys(tollgate.summary.byOwner), ...Object.keys(baseline.summary.byOwner)]);
  owners.delete('idle');
  const rows = [...owners]
    .map((owner) => {
      const a = per1k(tollgate.summary.byOwner[owner] ?? 0, tollgate.requests);
      const b = per1k(baseline.summary.byOwner[owner] ?? 0, baseline.requests);
      return { owner, a, b, difference: round(a - b, 1) };
    })
    .sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference))
    .slice(0, 20);
  const busy = (profiled: Profiled) => per1k(profiled.summary.totalMs - (profiled.summary.byOwner.idle ?? 0), profiled.requests);

  return [
    `### Generated CPU profile (client credentials ES256, c${connections})`,
    '',
    `Self time per 1,000 tokens, by owner, under \`node --cpu-prof\` (which itself slows both servers down). Busy total: tollgate ${busy(tollgate)} ms, baseline ${busy(baseline)} ms per 1,000 tokens. Profiles: \`${tollgate.file.replace(/^.*\/bench\//, 'bench/')}\`, \`${baseline.file.replace(/^.*\/bench\//, 'bench/')}\`.`,
    '',
    '| owner | tollgate | baseline | difference |',
    '| --- | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row.owner} | ${row.a} | ${row.b} | ${row.difference > 0 ? '+' : ''}${row.difference} |`),
    '',
    'tollgate\'s own functions, inclusive time per 1,000 tokens:',
    '',
    '| function | ms |',
    '| --- | ---: |',
    ...tollgate.summary.ownInclusive.slice(0, 12).map((entry) => `| \`${entry.frame}\` | ${per1k(entry.ms, tollgate.requests)} |`),
  ].join('\n');
}
