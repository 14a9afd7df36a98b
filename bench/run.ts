import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { BenchContext } from './lib/context.ts';
import { describeMachine, loadAverage } from './lib/machine.ts';
import { parseBenchOptions } from './lib/options.ts';
import type { ServerProcess } from './lib/processes.ts';
import { startBenchRedis, type BenchRedis } from './lib/redis.ts';
import { extractCheckout, shortCommit } from './lib/checkout.ts';
import { renderResults, writeReport } from './lib/report.ts';
import type { BenchResult, Row } from './lib/results.ts';
import { repoRoot, startBaseline, startTollgate } from './lib/servers.ts';
import { judgeTargets } from './lib/targets.ts';
import { seedTollgate, writeBenchJwks } from './lib/tollgate-fixtures.ts';
import { checkWrk } from './lib/wrk.ts';
import { clientCredentials, clientCredentialsInMemory, clientCredentialsKeyStore } from './scenarios/client-credentials.ts';
import { deviceFlow } from './scenarios/device-flow.ts';
import { profileServers } from './scenarios/profile.ts';
import { refreshGrant } from './scenarios/refresh.ts';
import { jwtBearer } from './scenarios/jwt-bearer.ts';
import { resourceToken } from './scenarios/resource-token.ts';
import { tokenExchange } from './scenarios/token-exchange.ts';
import { verifierRows } from './scenarios/verifier.ts';
import { workersRows } from './scenarios/workers.ts';

/**
 * `npm run bench`: tollgate (on its own redis-server) side by side with a plain oidc-provider,
 * both child processes on loopback, loaded by wrk. Writes bench/results/<time>.json and the
 * generated part of BENCHMARKS.md. See `npm run bench -- --help`.
 */
const options = parseBenchOptions(process.argv.slice(2));
const wrkVersion = checkWrk();
const startedAt = new Date().toISOString();
const tmpDir = mkdtempSync(join(tmpdir(), 'tollgate-bench-'));
const resultsDir = join(repoRoot, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const log = (message: string) => process.stdout.write(`${message}\n`);

const running: Array<ServerProcess | BenchRedis> = [];
let cleaning: Promise<void> | undefined;
const cleanUp = () =>
  (cleaning ??= (async () => {
    for (const process of running.reverse()) await process.stop().catch(() => {});
    rmSync(tmpDir, { recursive: true, force: true });
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log(`\n${signal}: stopping the servers`);
    void cleanUp().then(() => process.exit(130));
  });
}

const result: BenchResult = {
  startedAt,
  finishedAt: '',
  machine: {},
  settings: { durationS: options.durationS, runs: options.runs, warmupS: options.warmupS, connections: options.connections.join(',') },
  rows: [],
  targets: [],
  runs: [],
  commands: [],
  profile: undefined,
};
const extraSections: string[] = [];
let failedScenarios = 0;

try {
  const jwksFile = join(tmpDir, 'jwks.json');
  await writeBenchJwks(jwksFile);
  const redis = await startBenchRedis();
  running.push(redis);
  result.machine = describeMachine({ wrk: wrkVersion, redis: redis.version, tollgate: describeCommit() });
  log(`machine: ${Object.values(result.machine).join(' | ')}`);

  await seedTollgate(redis.url);
  const tollgate = await startTollgate({ redisUrl: redis.url, jwksFile });
  running.push(tollgate);
  const baseline = await startBaseline({ jwksFile });
  running.push(baseline);
  const against = options.against ? await startAgainst(options.against, redis.url, jwksFile) : undefined;

  const context: BenchContext = {
    durationS: options.durationS,
    runs: options.runs,
    warmupS: options.warmupS,
    connections: options.connections,
    tmpDir,
    jwksFile,
    redis,
    tollgate,
    baseline,
    ...(against ? { against: { server: against, ref: options.against as string } } : {}),
    log,
    record(scenario, run, warmup) {
      result.runs.push({ ...run, scenario, warmup });
    },
  };
  const rows: Row[] = result.rows;
  // One scenario failing (a server crashing, a refused token) is reported in its row and the
  // run goes on, so one command still produces everything else.
  const scenario = async (name: string, produce: () => Promise<Row[]>) => {
    try {
      rows.push(...(await produce()));
    } catch (error) {
      failedScenarios += 1;
      log(`\n${name} FAILED: ${(error as Error).stack ?? String(error)}\n`);
      rows.push({ scenario: name, load: '', unit: '', subject: 'tollgate', note: `failed: ${(error as Error).message.split('\n')[0]}` });
      await restartIfDead(context);
    }
  };
  if (options.scenarios.has('cc-es256')) await scenario('client credentials ES256', () => clientCredentials(context, 'ES256'));
  if (options.scenarios.has('cc-es256-memory')) await scenario('client credentials ES256, in-memory store', () => clientCredentialsInMemory(context, running));
  if (options.scenarios.has('cc-es256-keystore'))
    await scenario('client credentials ES256, signing keys in the store', () => clientCredentialsKeyStore(context, running));
  if (options.scenarios.has('cc-rs256')) await scenario('client credentials RS256', () => clientCredentials(context, 'RS256'));
  if (options.scenarios.has('exchange')) await scenario('token exchange ES256', () => tokenExchange(context));
  if (options.scenarios.has('jwt-bearer')) await scenario('jwt-bearer ES256', () => jwtBearer(context, running));
  if (options.scenarios.has('resource-token')) await scenario('client credentials ES256, resource token', () => resourceToken(context));
  if (options.scenarios.has('refresh')) await scenario('refresh with rotation', () => refreshGrant(context));
  if (options.scenarios.has('device')) {
    await scenario('device flow completions', async () => {
      const device = await deviceFlow(context);
      result.commands.push(device.runs[0]?.command ?? '');
      return [device.row];
    });
  }
  if (options.scenarios.has('verifier')) await scenario('JWT verification', () => verifierRows(context));
  if (options.scenarios.has('workers')) await scenario('client credentials ES256, worker processes', () => workersRows(context, running));
  if (options.profile) {
    await scenario('profile', async () => {
      const profile = await profileServers(context, resultsDir);
      result.profile = profile.data;
      extraSections.push(profile.markdown);
      log(`\n${profile.markdown}`);
      return [];
    });
  }

  // Against another tollgate the targets (ratios to the plain oidc-provider) do not apply.
  result.targets = options.against ? [] : judgeTargets(rows, options.connections);
  result.commands = [
    `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    '# which runs, per scenario and server (URLs are the loopback ports of that run):',
    ...new Set(result.runs.filter((run) => !run.warmup).map((run) => run.command.replace(/http:\/\/127\.0\.0\.1:\d+/, `<${run.server}>`))),
    ...result.commands.filter(Boolean),
  ];
} finally {
  await cleanUp();
}

/** The commit measured, and whether the work tree had changes on top of it. */
function describeCommit(): string {
  try {
    const commit = execFileSync('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']).toString().trim();
    const dirty = execFileSync('git', ['-C', repoRoot, 'status', '--porcelain', '--', 'src', 'bench', 'package.json']).toString().trim();
    return `commit ${commit}${dirty ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'not a git checkout';
  }
}

/**
 * tollgate as of another git ref, for before/after comparisons: its src/ and package.json
 * extracted with git archive (nothing in the repository changes), this checkout's
 * node_modules, its own Redis key prefix on the same redis-server.
 */
async function startAgainst(ref: string, redisUrl: string, jwksFile: string): Promise<ServerProcess> {
  const root = extractCheckout(ref, join(tmpDir, 'against'));
  const keyPrefix = 'against:';
  await seedTollgate(redisUrl, keyPrefix);
  const server = await startTollgate({ redisUrl, jwksFile, root, keyPrefix, name: `tollgate@${ref}` });
  running.push(server);
  log(`reference: tollgate as of ${ref} (${shortCommit(ref)})`);
  return server;
}

result.finishedAt = new Date().toISOString();
result.machine.loadAverageAtEnd = loadAverage();
const stamp = startedAt.replace(/[:.]/g, '-');
const jsonFile = join(resultsDir, `bench-${stamp}.json`);
writeFileSync(jsonFile, JSON.stringify(result, null, 2));
log(`\n${renderResults(result)}\n\nraw results: ${jsonFile}`);
if (options.report) {
  writeReport(resolve(repoRoot, options.report), result, extraSections);
  log(`report: ${options.report}`);
}
if (failedScenarios > 0) {
  log(`${failedScenarios} scenario(s) failed; see above`);
  process.exitCode = 1;
}

/** A scenario that killed a server must not take the next ones down with it. */
async function restartIfDead(context: BenchContext): Promise<void> {
  if (context.tollgate.child.exitCode !== null || context.tollgate.child.signalCode !== null) {
    log('tollgate had exited; starting it again for the next scenarios');
    context.tollgate = await startTollgate({ redisUrl: context.redis.url, jwksFile: context.jwksFile });
    running.push(context.tollgate);
  }
  if (context.baseline.child.exitCode !== null || context.baseline.child.signalCode !== null) {
    log('the baseline had exited; starting it again for the next scenarios');
    context.baseline = await startBaseline({ jwksFile: context.jwksFile });
    running.push(context.baseline);
  }
}
