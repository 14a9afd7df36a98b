import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';

import { startRedisWireCounter, type RedisWireCounter } from '../../bench/lib/redis-wire-counter.ts';
import type { RunningServer } from '../../src/server.ts';
import { startDeviceServer } from '../helpers/device-login.ts';
import { loginClis, refresh } from '../helpers/refreshing-clis.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';

// Issue 24: what a refresh costs Redis, counted on the wire between tollgate and its Redis.
// Two round trips before the answer (the token with its Grant and account, which its id names;
// the rotation with the access token's grant record) and one after it (the rotation's
// confirmation). Client records are cached for the whole file, so no cache refresh adds a read.
let redis: TestRedis;
let wire: RedisWireCounter;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  wire = await startRedisWireCounter(redis.port);
  server = await startDeviceServer(wire.url, { TOLLGATE_CLIENT_CACHE_MS: '600000' });
});

test.after.always(async () => {
  await server?.stop();
  await wire?.close();
  await redis?.stop();
});

/** Round trips until none has been added for a while: the confirmation follows the answer. */
async function roundTripsSettled(): Promise<number> {
  let last = -1;
  while (wire.counts().roundTrips !== last) {
    last = wire.counts().roundTrips;
    await sleep(300);
  }
  return last;
}

test('a refresh takes three Redis round trips in all, the confirmation of its rotation included', async (t) => {
  const [cli] = await loginClis(server, 1);
  let token = cli!.refreshToken;
  for (let index = 0; index < 3; index += 1) {
    const before = await roundTripsSettled();
    const answer = await refresh(server, token);
    t.is(answer.status, 200);
    token = answer.body.refresh_token as string;
    t.is((await roundTripsSettled()) - before, 3, `refresh ${index + 1}`);
  }
});
