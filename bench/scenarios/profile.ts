import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchContext } from '../lib/context.ts';
import { summarizeProfile, type ProfileSummary } from '../lib/cpu-profile.ts';
import { runDeviceDriver } from '../lib/device-runner.ts';
import type { ServerProcess } from '../lib/processes.ts';
import { startBaseline, startTollgate } from '../lib/servers.ts';
import { basicAuthorization, fixtures } from '../lib/tollgate-fixtures.ts';
import { round, runWrk, type WrkRun } from '../lib/wrk.ts';
import { exchangeRequest, personAccessToken } from './token-exchange.ts';

type Profiled = { file: string; requests: number; rps: number; summary: ProfileSummary };

/**
 * `node --cpu-prof` of fresh servers under load at the highest connection count: client
 * credentials ES256 (tollgate against the baseline) and the refresh grant (tollgate against the
 * baseline on the naive Redis adapter), and token exchange against client credentials, both on
 * tollgate. Only samples of the timed run count. The report says
 * where each spends CPU per 1,000 tokens, by owner (package, our src/ file, GC); the difference
 * column is what tollgate adds.
 */
export async function profileServers(context: BenchContext, resultsDir: string): Promise<{ data: unknown; markdown: string }> {
  const connections = Math.max(...context.connections);
  const directory = join(resultsDir, `profiles-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const ccEnv = {
    BENCH_BODY: `grant_type=client_credentials&resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`,
    BENCH_AUTHORIZATION: basicAuthorization(fixtures.clientId, fixtures.clientSecret),
  };
  const seedsPerRun = connections + 16;

  const profileOne = async (
    label: string,
    start: (nodeArgs: string[]) => Promise<ServerProcess>,
    script: WrkRun['script'],
    env: (run: number, server: ServerProcess) => Record<string, string> | Promise<Record<string, string>>,
  ) => {
    const dir = join(directory, label);
    mkdirSync(dir, { recursive: true });
    const server = await start(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
    let requests: number;
    let rps: number;
    let window: { fromUs: number; toUs: number };
    try {
      const load = async (durationS: number, run: number) =>
        runWrk({ server: label, url: server.url, script, connections, durationS, env: await env(run, server), cpu: { server: server.pid } });
      if (context.warmupS > 0) await load(context.warmupS, 0);
      const fromUs = monotonicUs();
      const run = await load(context.durationS, 1);
      window = { fromUs, toUs: monotonicUs() };
      ({ requests, rps } = run);
      context.log(
        `  profile ${label.padEnd(18)} ${run.rps} req/s under the profiler${run.non2xx + run.socketErrors ? `  FAILED ${run.non2xx + run.socketErrors}: ${run.firstFailure}` : ''}`,
      );
    } finally {
      await server.stop();
    }
    const file = readdirSync(dir).find((entry) => entry.endsWith('.cpuprofile'));
    if (!file) throw new Error(`${label} wrote no CPU profile into ${dir}:\n${server.output()}`);
    return { file: join(dir, file), requests, rps, summary: summarizeProfile(join(dir, file), window) };
  };

  context.log(`profile: node --cpu-prof, ${connections} connections`);
  const tollgateOptions = { redisUrl: context.redis.url, jwksFile: context.jwksFile, name: 'tollgate (profiled)' };
  const ccTollgate = await profileOne(
    'cc-tollgate',
    (nodeArgs) => startTollgate({ ...tollgateOptions, nodeArgs }),
    'token.lua',
    () => ccEnv,
  );
  const ccBaseline = await profileOne(
    'cc-baseline',
    (nodeArgs) => startBaseline({ jwksFile: context.jwksFile, nodeArgs }),
    'token.lua',
    () => ccEnv,
  );

  const tollgateSeeds = join(directory, 'tollgate-seeds.txt');
  const minted = await runDeviceDriver(context.tollgate.url, { concurrency: 8, count: 2 * seedsPerRun, tokensFile: tollgateSeeds });
  if (minted.failures > 0) throw new Error(`minting refresh tokens failed: ${minted.firstFailure}`);
  const baselineSeeds = join(directory, 'baseline-seeds.txt');
  const seedsFor = (pool: string, clientId: string) => (run: number) => {
    const file = `${pool}.run${run}`;
    writeFileSync(
      file,
      readFileSync(pool, 'utf8')
        .split('\n')
        .filter(Boolean)
        .slice(run * seedsPerRun, (run + 1) * seedsPerRun)
        .join('\n') + '\n',
    );
    return { BENCH_SEEDS_FILE: file, BENCH_CLIENT_ID: clientId };
  };
  const refreshTollgate = await profileOne(
    'refresh-tollgate',
    (nodeArgs) => startTollgate({ ...tollgateOptions, nodeArgs }),
    'refresh.lua',
    seedsFor(tollgateSeeds, fixtures.deviceClientId),
  );
  const refreshBaseline = await profileOne(
    'refresh-baseline',
    (nodeArgs) =>
      startBaseline({
        jwksFile: context.jwksFile,
        nodeArgs,
        redisUrl: context.redis.url,
        mintFile: baselineSeeds,
        mintCount: 2 * seedsPerRun,
        name: 'baseline-redis (profiled)',
      }),
    'refresh.lua',
    seedsFor(baselineSeeds, fixtures.baselineDeviceClientId),
  );

  // Token exchange has no baseline in a plain oidc-provider: it is set against client
  // credentials on a tollgate of its own, both profiled from a fresh start.
  const exchangeBodies = new Map<ServerProcess, Record<string, string>>();
  const exchangeEnv = async (_run: number, server: ServerProcess) => {
    let body = exchangeBodies.get(server);
    if (!body) exchangeBodies.set(server, (body = exchangeRequest(await personAccessToken(server.url))));
    return body;
  };
  const exchangeTollgate = await profileOne('exchange-tollgate', (nodeArgs) => startTollgate({ ...tollgateOptions, nodeArgs }), 'token.lua', exchangeEnv);

  return {
    data: { directory, ccTollgate, ccBaseline, refreshTollgate, refreshBaseline, exchangeTollgate },
    markdown: [
      renderProfile(`client credentials ES256, c${connections}`, ccTollgate, ccBaseline),
      renderProfile(`refresh with rotation on Redis, c${connections} (baseline: naive Redis adapter)`, refreshTollgate, refreshBaseline),
      renderProfile(
        `token exchange, c${connections} (against client credentials on tollgate, the run above)`,
        exchangeTollgate,
        ccTollgate,
        'client credentials',
      ),
    ].join('\n\n'),
  };
}

function renderProfile(title: string, tollgate: Profiled, baseline: Profiled, baselineName = 'baseline'): string {
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
    .slice(0, 16);
  const busy = (profiled: Profiled) => per1k(profiled.summary.totalMs - (profiled.summary.byOwner.idle ?? 0), profiled.requests);
  const relative = (file: string) => file.replace(/^.*\/bench\//, 'bench/');

  return [
    `### Generated CPU profile: ${title}`,
    '',
    `Main-thread time per 1,000 tokens under \`node --cpu-prof\` (which slows both servers down), timed run only. ` +
      `tollgate ${tollgate.rps} req/s, busy ${busy(tollgate)} ms; ${baselineName} ${baseline.rps} req/s, busy ${busy(baseline)} ms. ` +
      `Profiles: \`${relative(tollgate.file)}\`, \`${relative(baseline.file)}\` (open in Chrome DevTools or speedscope).`,
    '',
    `| owner (self time) | tollgate | ${baselineName} | difference |`,
    '| --- | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row.owner} | ${row.a} | ${row.b} | ${row.difference > 0 ? '+' : ''}${row.difference} |`),
    '',
    "tollgate's callbacks and storage functions with the most inclusive time (the koa middleware chain, which includes everything downstream of it, is left out):",
    '',
    '| function | ms per 1k |',
    '| --- | ---: |',
    ...callbacks(tollgate.summary).map((entry) => `| \`${entry.frame}\` | ${per1k(entry.ms, tollgate.requests)} |`),
  ].join('\n');
}

/**
 * Our functions that are not links of the middleware chain: a middleware's inclusive time is
 * most of the request's, so anything above 60 % of the heaviest one is taken for the chain.
 */
function callbacks(summary: ProfileSummary) {
  const heaviest = summary.ownInclusive[0]?.ms ?? 0;
  return summary.ownInclusive.filter((entry) => entry.ms < heaviest * 0.6).slice(0, 12);
}
