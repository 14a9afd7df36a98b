import { setImmediate as nextTurn } from 'node:timers/promises';
import test from 'ava';

import { resolveConfig } from '../../src/config/load-config.ts';
import { connectRedis, createRedisClient } from '../../src/storage/redis-connection.ts';
import { createRedisStorage } from '../../src/storage/redis-storage.ts';
import { guardStorage, StorageDeadlineError, StorageUnavailableError, withDeadline } from '../../src/storage/storage-unavailable.ts';
import { startRedis } from '../helpers/start-redis.ts';
import { testPepper } from '../helpers/test-pepper.ts';

const causeOf = (error: unknown) => (error as { cause?: unknown }).cause;

test('a storage command still running at its deadline fails the call as storage_unavailable, caused by the deadline', async (t) => {
  const error = await t.throwsAsync(
    guardStorage(() => withDeadline(new Promise<never>(() => {}), 50)),
    { instanceOf: StorageUnavailableError },
  );
  t.is(error?.error, 'temporarily_unavailable');
  t.is(error?.status, 503);
  t.like(causeOf(error), { code: 'storage_deadline', deadlineMs: 50 });
});

test('a storage command that answers in time is unchanged, and other errors pass through', async (t) => {
  t.is(await guardStorage(() => withDeadline(Promise.resolve('value'), 1000)), 'value');
  await t.throwsAsync(
    guardStorage(() => withDeadline(Promise.reject(new TypeError('a bug')), 1000)),
    { instanceOf: TypeError },
  );
});

// Issue 11.7: ioredis times a command from when it is written, and auto-pipelining writes a
// command only after the pipeline before it has answered or timed out, so with a frozen Redis
// the second of two calls waited two timeouts. Each command now has a deadline from when it is
// issued: the second call is ended by that deadline, not by ioredis timing out its command.
test('with a frozen Redis, a call queued behind a waiting auto-pipeline is ended by its own deadline', async (t) => {
  const redis = await startRedis();
  const timeoutMs = 400;
  const client = createRedisClient(resolveConfig({ secretPepper: testPepper, redis: { url: redis.url, commandTimeoutMs: timeoutMs } }).redis);
  try {
    await connectRedis(client, () => {});
    const storage = createRedisStorage(client, 'deadline:', { deadlineMs: timeoutMs });
    await storage.getValue('warm');
    redis.pause();
    const first = storage.getValue('first');
    // The first call's pipeline is written on the next turn; the second queues behind it.
    await nextTurn();
    const second = storage.getValue('second');
    const [firstError, secondError] = await Promise.all([t.throwsAsync(first), t.throwsAsync(second)]);
    for (const error of [firstError, secondError]) {
      t.true(error instanceof StorageUnavailableError);
      t.true(causeOf(error) instanceof StorageDeadlineError, String(causeOf(error)));
    }
  } finally {
    redis.resume();
    client.disconnect();
    await redis.stop();
  }
});
