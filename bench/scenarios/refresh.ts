import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { baselineSide, comparePairs, tollgateSide, type BenchContext, type Side } from '../lib/context.ts';
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
  const subject = tollgateSide(context);
  context.log(`refresh: minting ${needed} refresh tokens through device logins on tollgate`);
  const subjectSeeds = await mintThroughDeviceLogins(context, subject, needed);

  if (context.against) {
    const reference = baselineSide(context);
    const referenceSeeds = await mintThroughDeviceLogins(context, reference, needed);
    const rows = await compareRefresh(
      context,
      { side: subject, seeds: subjectSeeds, clientId: fixtures.deviceClientId },
      { side: reference, seeds: referenceSeeds, clientId: fixtures.deviceClientId },
    );
    return rows.map((row) => ({ ...row, referenceName: reference.name }));
  }

  const baselineSeedsFile = join(context.tmpDir, 'baseline-seeds.txt');
  const baseline = await startBaseline({
    jwksFile: context.jwksFile,
    redisUrl: context.redis.url,
    mintFile: baselineSeedsFile,
    mintCount: needed,
    name: 'baseline-redis',
  });
  try {
    const reference: Side = { name: 'baseline', server: baseline, cpu: { server: baseline.pid, redis: context.redis.pid } };
    const rows = await compareRefresh(
      context,
      { side: subject, seeds: subjectSeeds, clientId: fixtures.deviceClientId },
      { side: reference, seeds: readLines(baselineSeedsFile), clientId: fixtures.baselineDeviceClientId },
    );
    return rows.map((row) => ({
      ...row,
      referenceName: 'baseline + naive Redis adapter',
      note: "both on the same redis-server; the baseline's adapter does a non-atomic consume and no account or client lookups",
    }));
  } finally {
    await baseline.stop();
  }
}

async function mintThroughDeviceLogins(context: BenchContext, side: Side, count: number): Promise<string[]> {
  const file = join(context.tmpDir, `seeds-${side.server.pid}.txt`);
  const minted = await runDeviceDriver(side.server.url, { concurrency: 8, count, tokensFile: file });
  if (minted.failures > 0) throw new Error(`minting refresh tokens on ${side.name} failed: ${minted.firstFailure}`);
  return readLines(file);
}

interface Contender {
  side: Side;
  /** Unused pre-minted refresh tokens; each run takes its own. */
  seeds: string[];
  clientId: string;
}

async function compareRefresh(context: BenchContext, a: Contender, b: Contender): Promise<Row[]> {
  const rows: Row[] = [];
  for (const connections of context.connections) {
    context.log(`refresh grant with rotation, ${connections} connection(s)`);
    const env = (side: Side, run: string) => {
      const contender = side === a.side ? a : b;
      const seeds = contender.seeds.splice(0, connections + spares);
      if (seeds.length < connections) throw new Error(`out of pre-minted refresh tokens for ${side.name}`);
      const file = join(context.tmpDir, `run-seeds-${side.server.pid}-c${connections}-${run}.txt`);
      writeFileSync(file, seeds.join('\n') + '\n');
      return { BENCH_SEEDS_FILE: file, BENCH_CLIENT_ID: contender.clientId };
    };
    rows.push(
      await comparePairs(context, { scenario: 'refresh with rotation', unit: 'tokens/s', connections, script: 'refresh.lua', env, a: a.side, b: b.side }),
    );
  }
  return rows;
}

function readLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}
