import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import { Redis } from 'ioredis';

import type { KeySetStore } from '../../src/storage/key-set-store.ts';
import { createMemoryKeySetStore } from '../../src/storage/memory-key-set-store.ts';
import { createRedisKeySetStore } from '../../src/storage/redis-key-set-store.ts';
import { createRedisKeys } from '../../src/storage/storage-names.ts';
import { createTokenDigest } from '../../src/storage/token-digest.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';

let redis: TestRedis;
const clients: Redis[] = [];
test.before(async () => {
  redis = await startRedis();
});
test.after.always(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

function redisStore(prefix: string): KeySetStore {
  const client = new Redis(redis.url);
  clients.push(client);
  return createRedisKeySetStore(client, client, createRedisKeys(prefix, createTokenDigest(undefined)).signingKeys);
}

const stores: Array<[string, () => KeySetStore]> = [
  ['memory', createMemoryKeySetStore],
  ['redis', () => redisStore(`fence-${Math.random()}:`)],
];

for (const [name, make] of stores) {
  test(`${name}: the lock is exclusive, and a holder whose lock expired cannot write over the next holder`, async (t) => {
    const store = make();
    const first = await store.lock(100);
    t.is(first, 1);
    t.is(await store.lock(100), undefined, 'held');
    await sleep(150);
    const second = await store.lock(1000);
    t.is(second, 2, 'a higher fencing token');
    t.is(await store.write(first as number, '{"stale":true}'), undefined, 'the stale holder is refused');
    t.is(await store.write(second as number, '{"keys":[]}'), 1);
    await store.unlock(first as number);
    t.is(await store.lock(100), undefined, "a stale unlock does not free the new holder's lock");
    t.deepEqual(await store.read(), { version: 1, document: '{"keys":[]}' });
    t.is(await store.version(), 1);
  });

  test(`${name}: watchers hear of every write`, async (t) => {
    const store = make();
    let heard = 0;
    const stop = await store.watch(() => (heard += 1));
    await sleep(50);
    const fence = (await store.lock(1000)) as number;
    await store.write(fence, '{}');
    const deadline = Date.now() + 2000;
    while (heard === 0 && Date.now() < deadline) await sleep(10);
    t.is(heard, 1);
    await stop();
  });
}
