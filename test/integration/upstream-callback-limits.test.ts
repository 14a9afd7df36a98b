import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { startTestServer } from '../helpers/start-server.ts';

// Callbacks that sign no one in (forged or stale `state` values) are counted per IP in Redis.
const log = captureLog('info');
let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url, logger: log.logger, env: { TOLLGATE_RATE_LIMIT_UPSTREAM_CALLBACK_PER_IP: '3' } });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

test('upstream callbacks that sign no one in are limited per IP with a 429 page and Retry-After', async (t) => {
  const statuses: number[] = [];
  let last: Response | undefined;
  for (let index = 0; index < 5; index++) {
    last = await fetch(`${server.url}/upstream/acme/callback?code=x&state=forged-${index}`);
    statuses.push(last.status);
  }
  t.deepEqual(statuses, [400, 400, 400, 429, 429]);
  t.regex(last?.headers.get('retry-after') ?? '', /^[1-9][0-9]*$/);
  t.regex(await (last as Response).text(), /Too many attempts/);
  t.true(log.lines(/^security event$/).some((line) => line.event === 'rate_limit.hit' && line.limit === 'upstream_callback'));
});
