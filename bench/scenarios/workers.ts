import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { comparePairs, tollgateSide, type BenchContext } from '../lib/context.ts';
import type { ServerProcess } from '../lib/processes.ts';
import type { BenchRedis } from '../lib/redis.ts';
import type { Row } from '../lib/results.ts';
import { repoRoot, startTollgate } from '../lib/servers.ts';
import { basicAuthorization, fixtures } from '../lib/tollgate-fixtures.ts';

const workers = 2;

/**
 * Multi-process mode (TOLLGATE_WORKERS) against one process, both on the same Redis, under
 * client credentials ES256 at the highest connection count. CPU is the whole process tree.
 */
export async function workersRows(context: BenchContext, running: Array<ServerProcess | BenchRedis>): Promise<Row[]> {
  const connections = Math.max(...context.connections);
  const scenario = `client credentials ES256, ${workers} worker processes`;
  if (!multiProcessModeExists()) {
    return [
      {
        scenario,
        load: `wrk -t1 -c${connections}`,
        unit: 'tokens/s',
        subject: 'tollgate',
        note: 'not yet available: no multi-process mode (TOLLGATE_WORKERS) in src/ yet',
      },
    ];
  }
  context.log(`multi-process: ${workers} workers vs 1 process, ${connections} connections`);
  const multi = await startTollgate({ redisUrl: context.redis.url, jwksFile: context.jwksFile, workers, name: `tollgate x${workers}` });
  running.push(multi);
  try {
    const env = {
      BENCH_BODY: `grant_type=client_credentials&resource=${encodeURIComponent(fixtures.resources.ES256)}&scope=${encodeURIComponent(fixtures.scope)}`,
      BENCH_AUTHORIZATION: basicAuthorization(fixtures.clientId, fixtures.clientSecret),
    };
    const row = await comparePairs(context, {
      scenario,
      unit: 'tokens/s',
      connections,
      script: 'token.lua',
      env: () => env,
      a: tollgateSide(context, multi, `tollgate x${workers}`),
      b: tollgateSide(context, context.tollgate, 'tollgate x1'),
    });
    return [
      {
        ...row,
        subject: `tollgate, ${workers} workers`,
        referenceName: 'tollgate, 1 process',
        note: 'the load generator shares the same cores, so a second process can only use what wrk leaves',
      },
    ];
  } finally {
    await multi.stop();
  }
}

/** True once some module in src/ uses node:cluster (helper E's TOLLGATE_WORKERS mode). */
function multiProcessModeExists(): boolean {
  const walk = (directory: string): string[] =>
    readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(directory, entry.name)) : entry.name.endsWith('.ts') ? [join(directory, entry.name)] : [],
    );
  return walk(join(repoRoot, 'src')).some((file) => /from ['"]node:cluster['"]/.test(readFileSync(file, 'utf8')));
}
