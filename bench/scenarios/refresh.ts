import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { comparePairs, tollgateSide, type BenchContext, type Side } from '../lib/context.ts';
import { runDeviceDriver } from '../lib/device-runner.ts';
import type { Row } from '../lib/results.ts';
import { startBaseline } from '../lib/servers.ts';
import { fixtures } from '../lib/tollgate-fixtures.ts';

/** Spare tokens per run beyond one per connection, in case a rotation chain breaks. */
const spares = 16;

/** How many pre-minted refresh tokens the refresh runs need, per server. */
export function refreshSeedsNeeded(context: Pick<BenchContext, 'connections' | 'runs' | 'warmupS'>): number {
  const runsPerCount = context.runs + (context.warmupS > 0 ? 1 : 0);
  return context.connections.reduce((sum, connections) => sum + runsPerCount * (connections + spares), 0);
}

/**
 * Refresh grant with rotation, both servers on the same redis-server. tollgate's refresh tokens
 * are minted the way a person gets them, through complete device logins over HTTP (not timed).
 * The reference is the plain oidc-provider on a naive Redis adapter, which mints its tokens
 * through the provider's models at start-up. (Its default in-memory store cannot serve here: it
 * is an LRU of 1,000 entries, so grants are evicted by the tokens rotated after them.) Each wrk
 * run starts from its own fresh tokens and follows the rotation chains (bench/wrk/refresh.lua),
 * so no token is sent twice.
 */
export async function refreshGrant(context: BenchContext): Promise<Row[]> {
  const needed = refreshSeedsNeeded(context);
  context.log(`refresh: minting ${needed} refresh tokens through device logins on tollgate`);
  const tollgateSeedsFile = join(context.tmpDir, 'tollgate-seeds.txt');
  const minted = await runDeviceDriver(context.tollgate.url, { concurrency: 8, count: needed, tokensFile: tollgateSeedsFile });
  if (minted.failures > 0) throw new Error(`minting refresh tokens failed: ${minted.firstFailure}`);
  const baselineSeedsFile = join(context.tmpDir, 'baseline-seeds.txt');
  const baseline = await startBaseline({ jwksFile: context.jwksFile, redisUrl: context.redis.url, mintFile: baselineSeedsFile, mintCount: needed, name: 'baseline-redis' });
  try {
    return await compareRefresh(context, tollgateSeedsFile, { name: 'baseline', server: baseline, cpu: { server: baseline.pid, redis: context.redis.pid } });
  } finally {
    await baseline.stop();
  }
}

async function compareRefresh(context: BenchContext, tollgateSeedsFile: string, baseline: Side): Promise<Row[]> {
  const baselineSeedsFile = join(context.tmpDir, 'baseline-seeds.txt');
  const pools: Record<string, string[]> = {
    tollgate: readLines(tollgateSeedsFile),
    baseline: readLines(baselineSeedsFile),
  };
  const clients: Record<string, string> = { tollgate: fixtures.deviceClientId, baseline: fixtures.baselineDeviceClientId };

  const rows: Row[] = [];
  for (const connections of context.connections) {
    context.log(`refresh grant with rotation, ${connections} connection(s)`);
    const env = (side: Side, run: string) => {
      const pool = pools[side.name] as string[];
      const seeds = pool.splice(0, connections + spares);
      if (seeds.length < connections) throw new Error(`out of pre-minted refresh tokens for ${side.name}`);
      const file = join(context.tmpDir, `seeds-${side.name}-c${connections}-${run}.txt`);
      writeFileSync(file, seeds.join('\n') + '\n');
      return { BENCH_SEEDS_FILE: file, BENCH_CLIENT_ID: clients[side.name] as string };
    };
    const row = await comparePairs(context, {
      scenario: 'refresh with rotation',
      unit: 'tokens/s',
      connections,
      script: 'refresh.lua',
      env,
      a: tollgateSide(context),
      b: baseline,
    });
    rows.push({ ...row, referenceName: 'baseline + naive Redis adapter', note: 'both on the same redis-server; the baseline\'s adapter does a non-atomic consume and no account or client lookups' });
  }
  return rows;
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}
