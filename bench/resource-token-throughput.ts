/**
 * `npm run bench:resource-tokens -- [seconds-per-round] [connections]`: client-credentials
 * tokens/s with a resource token (issue 19) beside an ordinary client, in the same run, against
 * one tollgate on its own redis-server (as `npm run bench` starts it). Rounds alternate the two
 * kinds three times so that load on a shared machine falls on both alike; the load generator is
 * this process (fetch with keep-alive), the server another.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startBenchRedis } from './lib/redis.ts';
import { benchResourceToken } from './lib/resource-token-fixture.ts';
import { startTollgate } from './lib/servers.ts';
import { basicAuthorization, fixtures, seedTollgate, writeBenchJwks } from './lib/tollgate-fixtures.ts';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 16);

async function round(url: string, authorization: string, body: string): Promise<{ tokens: number; errors: number; p50: number; p99: number }> {
  const end = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end) {
        const started = performance.now();
        const response = await fetch(`${url}/token`, { method: 'POST', headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' }, body });
        await response.arrayBuffer();
        if (response.status === 200) latencies.push(performance.now() - started);
        else errors += 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0) * 10) / 10;
  return { tokens: latencies.length / seconds, errors, p50: at(0.5), p99: at(0.99) };
}

const redis = await startBenchRedis();
const jwksFile = join(mkdtempSync(join(tmpdir(), 'rt-bench-')), 'jwks.json');
await writeBenchJwks(jwksFile);
await seedTollgate(redis.url);
const resourceToken = await benchResourceToken(redis.url);
const tollgate = await startTollgate({ redisUrl: redis.url, jwksFile, env: { TOLLGATE_LOG_LEVEL: 'warn' } });
try {
  const body = `grant_type=client_credentials&resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`;
  const kinds = {
    'ordinary client': basicAuthorization(fixtures.clientId, fixtures.clientSecret),
    'resource token': resourceToken,
  };
  // Warm-up: JIT, connection pools, caches.
  for (const authorization of Object.values(kinds)) await round(tollgate.url, authorization, body);
  const results: Record<string, Array<Awaited<ReturnType<typeof round>>>> = { 'ordinary client': [], 'resource token': [] };
  for (let repeat = 0; repeat < 3; repeat += 1) {
    for (const [kind, authorization] of Object.entries(kinds)) results[kind]?.push(await round(tollgate.url, authorization, body));
  }
  process.stdout.write(`| kind | tokens/s per round | median tokens/s | p50 ms | p99 ms | errors |\n| --- | --- | --- | --- | --- | --- |\n`);
  for (const [kind, rounds] of Object.entries(results)) {
    const rates = rounds.map((entry) => Math.round(entry.tokens));
    const median = [...rates].sort((a, b) => a - b)[1];
    const last = rounds[rounds.length - 1];
    process.stdout.write(
      `| ${kind} | ${rates.join(', ')} | ${median} | ${last?.p50} | ${last?.p99} | ${rounds.reduce((sum, entry) => sum + entry.errors, 0)} |\n`,
    );
  }
} finally {
  await tollgate.stop();
  await redis.stop();
}
