import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { baselineSide, comparePairs, tollgateSide, type BenchContext, type Side } from '../lib/context.ts';
import type { ServerProcess } from '../lib/processes.ts';
import type { BenchRedis } from '../lib/redis.ts';
import type { Row } from '../lib/results.ts';
import { startTollgate } from '../lib/servers.ts';
import { basicAuthorization, fixtures, seedTollgate, writeBenchSeed } from '../lib/tollgate-fixtures.ts';

/**
 * Client credentials, the service-to-service path: the same request body and Basic credentials
 * to both servers, a JWT access token signed with `alg` for the bench resource.
 */
export async function clientCredentials(
  context: BenchContext,
  alg: 'ES256' | 'RS256',
  tollgate: Side = tollgateSide(context),
  scenarioName = `client credentials ${alg}`,
): Promise<Row[]> {
  const env = {
    BENCH_BODY: `grant_type=client_credentials&resource=${encodeURIComponent(fixtures.resources[alg])}&scope=${encodeURIComponent(fixtures.scope)}`,
    BENCH_AUTHORIZATION: basicAuthorization(fixtures.clientId, fixtures.clientSecret),
  };
  const rows: Row[] = [];
  for (const connections of context.connections) {
    context.log(`${scenarioName}, ${connections} connection(s)`);
    rows.push(
      await comparePairs(context, {
        scenario: scenarioName,
        unit: 'tokens/s',
        connections,
        script: 'token.lua',
        env: () => env,
        a: tollgate,
        b: baselineSide(context),
      }),
    );
  }
  return rows;
}

/**
 * The same with tollgate on its in-process store (seeded from a file), like the baseline's
 * default store: Redis out of the comparison (issue 14 asks for both). Not with --against,
 * whose reference tollgate runs on Redis.
 */
export async function clientCredentialsInMemory(context: BenchContext, running: Array<ServerProcess | BenchRedis>): Promise<Row[]> {
  const scenario = 'client credentials ES256, in-memory store';
  if (context.against)
    return [
      { scenario, load: '', unit: 'tokens/s', subject: 'tollgate, in-memory store', note: 'not run with --against: the reference tollgate runs on Redis' },
    ];
  const seedFile = join(context.tmpDir, 'memory-seed.json');
  writeBenchSeed(seedFile);
  const memory = await startTollgate({ jwksFile: context.jwksFile, seedFile, name: 'tollgate (memory)' });
  running.push(memory);
  try {
    const side = { name: 'tollgate', server: memory, cpu: { server: memory.pid } };
    const rows = await clientCredentials(context, 'ES256', side, scenario);
    return rows.map((row) => ({ ...row, subject: 'tollgate, in-memory store' }));
  } finally {
    await memory.stop();
  }
}

/**
 * The same with tollgate's signing keys kept in the store (keys.source=store, SPEC §16): keys
 * generated, sealed and rotated by tollgate itself, checked every 2 s and on change
 * notifications, against the baseline signing with a key from a file. On the bench's Redis under
 * a key prefix of its own, so its keys and clients are its own. Not with --against.
 */
export async function clientCredentialsKeyStore(context: BenchContext, running: Array<ServerProcess | BenchRedis>): Promise<Row[]> {
  const scenario = 'client credentials ES256, signing keys in the store';
  if (context.against)
    return [{ scenario, load: '', unit: 'tokens/s', subject: 'tollgate, key store', note: 'not run with --against: the reference tollgate signs from a file' }];
  const keyPrefix = 'tollgate-keystore:';
  await seedTollgate(context.redis.url, keyPrefix);
  const keyStore = await startTollgate({
    redisUrl: context.redis.url,
    jwksFile: context.jwksFile,
    keyPrefix,
    name: 'tollgate (key store)',
    env: { TOLLGATE_JWKS_FILE: '', TOLLGATE_KEY_SOURCE: 'store', TOLLGATE_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') },
  });
  running.push(keyStore);
  try {
    const rows = await clientCredentials(context, 'ES256', tollgateSide(context, keyStore), scenario);
    return rows.map((row) => ({ ...row, subject: 'tollgate, key store', note: 'signing keys in the store (keys.source=store), on Redis' }));
  } finally {
    await keyStore.stop();
  }
}
