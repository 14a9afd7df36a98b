import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { splitInstructions, type InstructionSplit } from './lib/callgrind-dump.ts';
import { extractCheckout, shortCommit } from './lib/checkout.ts';
import { grants, startGrantRequests, type Grant, type GrantRequest } from './lib/grant-requests.ts';
import type { ServerProcess } from './lib/processes.ts';
import { startBenchRedis } from './lib/redis.ts';
import { startBaseline, startTollgate } from './lib/servers.ts';
import { seedTollgate, writeBenchJwks } from './lib/tollgate-fixtures.ts';

/**
 * Machine instructions per client-credentials token (ES256, on Redis), counted by valgrind's
 * callgrind in the server process, all threads (the signature on libuv's pool included).
 * Unlike tokens per second, the count does not move when other work shares the cores, so a
 * change can be judged on a busy machine: `npm run bench:instructions -- --against <ref>`.
 * It is a proxy for CPU per token, not for latency; the throughput bench stays the judge.
 *
 * Each server is warmed up untimed (so V8 has optimised the hot code), then callgrind counts
 * only the timed requests (`callgrind_control -i on` … `-d`). The sides run one after the
 * other: V8's tier-up is driven by call counts, but its compiler threads by time.
 *
 * `--grant exchange|jwt-bearer|resource-token|refresh` counts that request instead (the same
 * subject token, assertion or resource token every time, as `npm run bench` sends them; refresh
 * tokens from device logins, each followed along its rotation chain), against client credentials
 * on the same tollgate, or with `--against <ref>` the same grant on that version.
 */
const { values } = parseArgs({
  options: {
    warmup: { type: 'string', default: '3000' },
    count: { type: 'string', default: '1000' },
    against: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    grant: { type: 'string', default: 'client-credentials' },
  },
});
const grant = values.grant as Grant;
if (!grants.includes(grant)) {
  console.error(`--grant must be one of ${grants.join(', ')}`);
  process.exit(1);
}
const warmup = Number(values.warmup);
const count = Number(values.count);
const concurrency = Number(values.concurrency);

if (spawnSync('valgrind', ['--version']).error) {
  console.error('valgrind is not installed: apt-get install -y valgrind');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'tollgate-instructions-'));
const jwksFile = join(work, 'jwks.json');
await writeBenchJwks(jwksFile);
const redis = await startBenchRedis();
await seedTollgate(redis.url);

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

async function instructionsPerToken(name: string, kind: Grant, start: (launcher: string[]) => Promise<ServerProcess>, keyPrefix = 'tollgate:'): Promise<InstructionSplit> {
  const outDir = join(work, name.replace(/\W+/g, '-'));
  mkdirSync(outDir, { recursive: true });
  const launcher = ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${outDir}/callgrind.out`];
  const server = await start(launcher);
  try {
    const request = await grantRequests.request(kind, server.url, keyPrefix, concurrency);
    await requestTokens(server.url, warmup, request);
    execFileSync('callgrind_control', ['--instr=on', String(server.pid)], { stdio: 'ignore' });
    await requestTokens(server.url, count, request);
    execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
  } finally {
    await server.stop();
  }
  // The dump taken above is the file with a part number; the one written at exit holds nothing counted after it.
  const dump = readdirSync(outDir).find((file) => /^callgrind\.out\.\d+$/.test(file));
  const split = dump ? splitInstructions(readFileSync(join(outDir, dump), 'utf8')) : undefined;
  if (!split || split.total === 0) throw new Error(`${name}: callgrind wrote no counts into ${outDir}`);
  const k = (value: number) => `${(value / count / 1000).toFixed(1)} k`.padStart(9);
  console.log(`${name.padEnd(28)} ${k(split.total)} per token: ${k(split.rest)} requests, ${k(split.collector)} garbage collector, ${k(split.compiler)} compiler`);
  return split;
}

// Under valgrind a token takes about 50 times as long, so work done once per period of time
// (re-reading the cached client every clientCacheMs) would count 50 times over: the period is
// stretched to match. So is the Redis command timeout: on a loaded machine a command of the
// slowed server missed it now and then, and the run ended on a 503 temporarily_unavailable.
const slow = { readyTimeoutMs: 300_000, env: { TOLLGATE_CLIENT_CACHE_MS: '600000', TOLLGATE_REDIS_TIMEOUT_MS: '60000', TOLLGATE_CONFIG_FILE: grantRequests.configFile } };
try {
  console.log(`${grant} ES256 on Redis: ${warmup} tokens untimed, then ${count} counted, ${concurrency} in flight`);
  const ours = await instructionsPerToken(`tollgate ${grant}`, grant, (launcher) => startTollgate({ redisUrl: redis.url, jwksFile, launcher, ...slow }));
  let reference: InstructionSplit;
  if (values.against) {
    const keyPrefix = 'against:';
    await seedTollgate(redis.url, keyPrefix);
    const root = extractCheckout(values.against, join(work, 'against'));
    const name = `tollgate@${values.against} (${shortCommit(values.against)}) ${grant}`;
    reference = await instructionsPerToken(name, grant, (launcher) => startTollgate({ redisUrl: redis.url, jwksFile, root, keyPrefix, launcher, ...slow }), keyPrefix);
  } else if (grant !== 'client-credentials') {
    reference = await instructionsPerToken('tollgate client-credentials', 'client-credentials', (launcher) => startTollgate({ redisUrl: redis.url, jwksFile, launcher, ...slow }));
  } else {
    reference = await instructionsPerToken('baseline', grant, (launcher) => startBaseline({ jwksFile, launcher, readyTimeoutMs: slow.readyTimeoutMs }));
  }
  const against = values.against ?? (grant === 'client-credentials' ? 'baseline' : 'client credentials');
  console.log(`ratio tollgate ÷ ${against}: ${(ours.rest / reference.rest).toFixed(3)} for the requests (${(ours.total / reference.total).toFixed(3)} in all, collector and compiler included)`);
} finally {
  await grantRequests.close();
  await redis.stop();
  rmSync(work, { recursive: true, force: true });
}
