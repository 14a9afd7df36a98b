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

import { createResourceTokenStore } from '../src/resource-tokens/resource-token-store.ts';
import { createResourceTokens } from '../src/resource-tokens/resource-tokens.ts';
import { createResourceRegistry } from '../src/resources/resource-registry.ts';
import { createRedisClient } from '../src/storage/redis-connection.ts';
import { createRedisStorage } from '../src/storage/redis-storage.ts';
import { startBenchRedis } from './lib/redis.ts';
import { startTollgate } from './lib/servers.ts';
import { basicAuthorization, fixtures, seedTollgate, writeBenchJwks } from './lib/tollgate-fixtures.ts';

const seconds = Number(process.argv[2] ?? 5);
const connections = Number(process.argv[3] ?? 16);

async function resourceTokenValue(redisUrl: string): Promise<string> {
  const client = createRedisClient({ url: redisUrl, mode: 'standalone', sentinelName: 'mymaster', nodes: [], keyPrefix: 'tollgate:', commandTimeoutMs: 2000 });
  await client.connect();
  try {
    const storage = createRedisStorage(client, 'tollgate:', { secretPepper: fixtures.secretPepper });
    const resources = createResourceRegistry(storage, 0);
    const resource = await resources.get(fixtures.resources.ES256);
    if (!resource) throw new Error('the bench resource is not seeded');
    await resources.save({ ...resource, selfService: { enabled: true, maxLifetimeDays: 365, publisherIssuers: [] } });
    const tokens = createResourceTokens({ store: createResourceTokenStore(storage), secretPepper: fixtures.secretPepper, securityEvents: { emit: () => {} } });
    const creator = { id: 'bench-maintainer', username: 'bench-maintainer', passwordHash: '', disabled: false, createdAt: '', updatedAt: '' };
    const { value } = await tokens.create(resource, creator, undefined, { description: 'bench', scopes: fixtures.scope.split(' '), expires_at: new Date(Date.now() + 86400_000).toISOString() }, { actor: { kind: 'account', id: creator.id } });
    return value;
  } finally {
    client.disconnect();
  }
}

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
const value = await resourceTokenValue(redis.url);
const tollgate = await startTollgate({ redisUrl: redis.url, jwksFile, env: { TOLLGATE_LOG_LEVEL: 'warn' } });
try {
  const body = `grant_type=client_credentials&resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`;
  const kinds = {
    'ordinary client': basicAuthorization(fixtures.clientId, fixtures.clientSecret),
    'resource token': basicAuthorization(value.slice(0, value.indexOf('_', 5)), value),
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
    process.stdout.write(`| ${kind} | ${rates.join(', ')} | ${median} | ${last?.p50} | ${last?.p99} | ${rounds.reduce((sum, entry) => sum + entry.errors, 0)} |\n`);
  }
} finally {
  await tollgate.stop();
  await redis.stop();
}
