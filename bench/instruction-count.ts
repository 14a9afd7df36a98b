import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { addSplits, isV8WorkerThread, selfCostByFunction, splitInstructions, type InstructionSplit } from './lib/callgrind-dump.ts';
import { byOwner, largestDifferences, requestFunctions } from './lib/callgrind-functions.ts';
import { extractCheckout, shortCommit } from './lib/checkout.ts';
import { grants, startGrantRequests, type Grant, type GrantRequest } from './lib/grant-requests.ts';
import type { ServerProcess } from './lib/processes.ts';
import { startBenchRedis } from './lib/redis.ts';
import { startBaseline, startTollgate } from './lib/servers.ts';
import { seedTollgate, writeBenchJwks, writeBenchSeed } from './lib/tollgate-fixtures.ts';

/**
 * Machine instructions per client-credentials token (ES256, on Redis), counted by valgrind's
 * callgrind in the server process, all threads (the signature on libuv's pool included).
 * Unlike tokens per second, the count does not move when other work shares the cores, so a
 * change can be judged on a busy machine: `npm run bench:instructions -- --against <ref>`.
 * It is a proxy for CPU per token, not for latency; the throughput bench stays the judge.
 *
 * Each server is warmed up untimed (so V8 has optimised the hot code), then callgrind counts
 * only the timed requests (`callgrind_control -i on` … `-d`), in `--windows` windows of
 * `--count` tokens (3 of 1,000 by default), one after the other in the same process. A window
 * that holds a major collection counts 1-3 % more for the requests too (code tiered down, inline
 * caches reset, its main-thread share under names no pattern knows), so the ratio is taken on
 * each side's least window. The sides run one after the other: V8's tier-up is driven by call
 * counts, but its compiler threads by time.
 *
 * `--grant exchange|jwt-bearer|resource-token|refresh` counts that request instead (the same
 * subject token, assertion or resource token every time, as `npm run bench` sends them; refresh
 * tokens from device logins, each followed along its rotation chain), against client credentials
 * on the same tollgate, or with `--against <ref>` the same grant on that version.
 *
 * `--store memory` runs tollgate (both sides, with --against) on its in-process store, seeded
 * with the same client and resource servers; `--stores` compares tollgate on that store with
 * the same tollgate on Redis (issue 24: the memory store must never cost more per token). `--functions <n>` runs the servers with V8's
 * `--perf-basic-prof` map, names the compiled JavaScript in the dumps from it and prints where
 * the two sides differ, by owner and by function (the requests' instructions, without the
 * collector and compiler); `--keep <dir>` keeps the dumps and maps there.
 */
const { values } = parseArgs({
  options: {
    warmup: { type: 'string', default: '3000' },
    count: { type: 'string', default: '1000' },
    against: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    grant: { type: 'string', default: 'client-credentials' },
    windows: { type: 'string', default: '3' },
    store: { type: 'string', default: 'redis' },
    stores: { type: 'boolean', default: false },
    functions: { type: 'string' },
    keep: { type: 'string' },
  },
});
const grant = values.grant as Grant;
if (!grants.includes(grant)) {
  console.error(`--grant must be one of ${grants.join(', ')}`);
  process.exit(1);
}
if (values.store !== 'redis' && values.store !== 'memory') {
  console.error(`--store is redis or memory, not ${values.store}`);
  process.exit(1);
}
// --stores: this tollgate on its in-process store against itself on Redis.
const onMemory = values.store === 'memory' || values.stores;
if (onMemory && grant !== 'client-credentials') {
  console.error('--store memory and --stores count client credentials only (the other grants seed their clients and issuers in Redis)');
  process.exit(1);
}
const functionRows = values.functions === undefined ? 0 : Number(values.functions);
const warmup = Number(values.warmup);
const count = Number(values.count);
const concurrency = Number(values.concurrency);
const windows = Math.max(1, Number(values.windows));

if (spawnSync('valgrind', ['--version']).error) {
  console.error('valgrind is not installed: apt-get install -y valgrind');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'tollgate-instructions-'));
const jwksFile = join(work, 'jwks.json');
await writeBenchJwks(jwksFile);
const redis = await startBenchRedis();
await seedTollgate(redis.url);
const seedFile = join(work, 'memory-seed.json');
writeBenchSeed(seedFile);

const grantRequests = await startGrantRequests(redis.url, work);

async function requestTokens(url: string, total: number, { body, headers, chains }: GrantRequest): Promise<void> {
  let left = total;
  let failures = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, slot) => {
      while (left-- > 0) {
        const form = chains ? `${body}&refresh_token=${encodeURIComponent(chains[slot] as string)}` : body;
        const response = await fetch(`${url}/token`, { method: 'POST', body: form, headers });
        const answer = (await response.json()) as { refresh_token?: string };
        if (response.status !== 200) failures++;
        else if (chains) chains[slot] = answer.refresh_token as string;
      }
    }),
  );
  if (failures > 0) throw new Error(`${failures} of ${total} token requests failed`);
}

interface Counted {
  /** The window whose requests cost least. */
  split: InstructionSplit;
  /** Every window's total, for the average of all. */
  meanTotal: number;
  /** The requests' instructions by function in that window, named, when --functions asked for them. */
  functions?: Map<string, number>;
}

interface Window {
  split: InstructionSplit;
  /** The dumps of the threads that are not V8's workers. */
  requestThreads: { file: string; costs: Map<string, number> }[];
}

/** One window's dumps, one per thread (`callgrind.out.<window>-<thread>`). */
function readWindow(outDir: string, part: number): Window {
  const splits: InstructionSplit[] = [];
  const requestThreads: Window['requestThreads'] = [];
  for (const file of readdirSync(outDir).filter((each) => each.startsWith(`callgrind.out.${part}-`))) {
    const text = readFileSync(join(outDir, file), 'utf8');
    const costs = selfCostByFunction(text);
    const v8Worker = isV8WorkerThread(text);
    splits.push(splitInstructions(costs, { v8Worker }));
    if (!v8Worker) requestThreads.push({ file: join(outDir, file), costs });
  }
  return { split: addSplits(splits), requestThreads };
}

async function instructionsPerToken(
  name: string,
  kind: Grant,
  start: (launcher: string[], nodeArgs: string[]) => Promise<ServerProcess>,
  keyPrefix = 'tollgate:',
): Promise<Counted> {
  const fileName = name.replace(/\W+/g, '-');
  const outDir = join(work, fileName);
  mkdirSync(outDir, { recursive: true });
  const launcher = [
    'valgrind',
    '--tool=callgrind',
    '--instr-atstart=no',
    '--smc-check=all-non-file',
    '--separate-threads=yes',
    `--callgrind-out-file=${outDir}/callgrind.out`,
  ];
  const server = await start(launcher, functionRows > 0 || values.keep ? ['--perf-basic-prof'] : []);
  // Under valgrind, Node's pid is the launched process's own.
  const perfMap = `/tmp/perf-${server.pid}.map`;
  try {
    const request = await grantRequests.request(kind, server.url, keyPrefix, concurrency);
    await requestTokens(server.url, warmup, request);
    execFileSync('callgrind_control', ['--instr=on', String(server.pid)], { stdio: 'ignore' });
    // Each dump starts the count afresh: window n is the files with part number n.
    for (let window = 0; window < windows; window++) {
      await requestTokens(server.url, count, request);
      execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
    }
  } finally {
    await server.stop();
  }
  const counted = Array.from({ length: windows }, (_, index) => readWindow(outDir, index + 1));
  const k = (value: number) => `${(value / count / 1000).toFixed(1)} k`.padStart(9);
  for (const [index, { split }] of counted.entries()) {
    if (split.total === 0) throw new Error(`${name}: callgrind wrote no counts into ${outDir}`);
    const label = windows > 1 ? `${name} ${index + 1}/${windows}` : name;
    console.log(
      `${label.padEnd(32)} ${k(split.total)} per token: ${k(split.rest)} requests, ${k(split.collector)} garbage collector, ${k(split.compiler)} compiler, ${k(split.background)} else on V8's threads`,
    );
  }
  const least = counted.reduce((best, window) => (window.split.rest < best.split.rest ? window : best));
  const functions =
    functionRows > 0
      ? requestFunctions(
          least.requestThreads.map((thread) => thread.costs),
          perfMap,
        )
      : undefined;
  if (values.keep) {
    mkdirSync(values.keep, { recursive: true });
    for (const thread of least.requestThreads) copyFileSync(thread.file, join(values.keep, `${fileName}.${thread.file.split('-').at(-1)}.callgrind`));
    if (existsSync(perfMap)) copyFileSync(perfMap, join(values.keep, `${fileName}.perf.map`));
  }
  rmSync(perfMap, { force: true });
  return { split: least.split, meanTotal: counted.reduce((sum, window) => sum + window.split.total, 0) / windows, functions };
}

/** Where the two sides' requests differ, per token: by owner, then by function. */
function printDifferences(ours: Map<string, number>, reference: Map<string, number>, against: string) {
  const perToken = (value: number) => (value / count).toFixed(0).padStart(8);
  const table = (title: string, a: Map<string, number>, b: Map<string, number>) => {
    console.log(`\n${title} (instructions per token: tollgate, ${against}, difference)`);
    for (const row of largestDifferences(a, b, functionRows)) {
      console.log(`${perToken(row.ours)} ${perToken(row.reference)} ${perToken(row.ours - row.reference)}  ${row.name}`);
    }
  };
  table('by owner', byOwner(ours), byOwner(reference));
  table('by function', ours, reference);
}

// Under valgrind a token takes about 50 times as long, so work done once per period of time
// (re-reading the cached client every clientCacheMs) would count 50 times over: the period is
// stretched to match. So is the Redis command timeout: on a loaded machine a command of the
// slowed server missed it now and then, and the run ended on a 503 temporarily_unavailable.
const slow = {
  readyTimeoutMs: 300_000,
  env: { TOLLGATE_CLIENT_CACHE_MS: '600000', TOLLGATE_REDIS_TIMEOUT_MS: '60000', TOLLGATE_CONFIG_FILE: grantRequests.configFile },
};
try {
  console.log(`${grant} ES256 on ${onMemory ? 'its in-process store' : 'Redis'}: ${warmup} tokens untimed, then ${count} counted, ${concurrency} in flight`);
  const store = onMemory ? { seedFile } : { redisUrl: redis.url };
  const ours = await instructionsPerToken(`tollgate ${grant}`, grant, (launcher, nodeArgs) =>
    startTollgate({ ...store, jwksFile, launcher, nodeArgs, ...slow }),
  );
  let reference: Counted;
  if (values.stores) {
    reference = await instructionsPerToken('tollgate on Redis', grant, (launcher, nodeArgs) =>
      startTollgate({ redisUrl: redis.url, jwksFile, launcher, nodeArgs, ...slow }),
    );
  } else if (values.against) {
    const keyPrefix = 'against:';
    await seedTollgate(redis.url, keyPrefix);
    const root = extractCheckout(values.against, join(work, 'against'));
    const name = `tollgate@${values.against} (${shortCommit(values.against)}) ${grant}`;
    const referenceStore = onMemory ? { seedFile } : { redisUrl: redis.url, keyPrefix };
    reference = await instructionsPerToken(
      name,
      grant,
      (launcher, nodeArgs) => startTollgate({ ...referenceStore, jwksFile, root, launcher, nodeArgs, ...slow }),
      keyPrefix,
    );
  } else if (grant !== 'client-credentials') {
    reference = await instructionsPerToken('tollgate client-credentials', 'client-credentials', (launcher, nodeArgs) =>
      startTollgate({ redisUrl: redis.url, jwksFile, launcher, nodeArgs, ...slow }),
    );
  } else {
    reference = await instructionsPerToken('baseline', grant, (launcher, nodeArgs) =>
      startBaseline({ jwksFile, launcher, nodeArgs, readyTimeoutMs: slow.readyTimeoutMs }),
    );
  }
  const against = values.stores ? 'tollgate on Redis' : (values.against ?? (grant === 'client-credentials' ? 'baseline' : 'client credentials'));
  const leastOf = windows > 1 ? `, the least of ${windows} windows each` : '';
  const meanOf = windows > 1 ? ', means of the windows' : '';
  console.log(
    `ratio tollgate ÷ ${against}: ${(ours.split.rest / reference.split.rest).toFixed(3)} for the requests (${(ours.split.rest / count / 1000).toFixed(1)} k against ${(reference.split.rest / count / 1000).toFixed(1)} k${leastOf}); ${(ours.meanTotal / reference.meanTotal).toFixed(3)} in all, collector and compiler included${meanOf}`,
  );
  if (ours.functions && reference.functions) printDifferences(ours.functions, reference.functions, against);
} finally {
  await grantRequests.close();
  await redis.stop();
  rmSync(work, { recursive: true, force: true });
}
