import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';

import { cacheCollection } from '../../src/storage/cached-collection.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

function setup(cacheMs: number) {
  const storage = createMemoryStorage();
  const direct = storage.collection<{ v: number }>('things');
  return { direct, cached: cacheCollection(direct, cacheMs) };
}

test('a write through the cache shows at once, insert, put and delete alike', async (t) => {
  const { cached } = setup(60_000);
  t.is(await cached.get('a'), undefined);
  t.true(await cached.insert('a', { v: 1 }));
  t.deepEqual(await cached.get('a'), { v: 1 });
  await cached.put('a', { v: 2 });
  t.deepEqual(await cached.get('a'), { v: 2 });
  t.true(await cached.delete('a'));
  t.is(await cached.get('a'), undefined);
});

test('a write made elsewhere shows once cacheMs has passed, not before', async (t) => {
  const { direct, cached } = setup(200);
  await direct.put('a', { v: 1 });
  t.deepEqual(await cached.get('a'), { v: 1 });
  await direct.put('a', { v: 2 });
  t.deepEqual(await cached.get('a'), { v: 1 }, 'still cached');
  await sleep(250);
  t.deepEqual(await cached.get('a'), { v: 2 });
});

test('cacheMs 0 reads storage every time', async (t) => {
  const { direct, cached } = setup(0);
  await direct.put('a', { v: 1 });
  t.deepEqual(await cached.get('a'), { v: 1 });
  await direct.put('a', { v: 2 });
  t.deepEqual(await cached.get('a'), { v: 2 });
});

test('lookups of 10,001 unknown ids keep at most 10,000 cached: the oldest is read again', async (t) => {
  const { direct, cached } = setup(60_000);
  await direct.put('id-0', { v: 0 });
  t.deepEqual(await cached.get('id-0'), { v: 0 });
  for (let i = 1; i <= 10_000; i++) await cached.get(`id-${i}`);
  await direct.put('id-0', { v: 1 });
  t.deepEqual(await cached.get('id-0'), { v: 1 }, 'the first entry was evicted');
});

test('peek answers at once with what the cache holds while it is fresh, a record or its absence, and nothing it would have to read', async (t) => {
  const { direct, cached } = setup(200);
  await direct.put('a', { v: 1 });
  t.is(cached.peek('a'), undefined, 'not read yet');
  t.deepEqual(await cached.get('a'), { v: 1 });
  t.deepEqual(cached.peek('a')?.value, { v: 1 });
  await cached.put('a', { v: 2 });
  t.is(cached.peek('a'), undefined, 'a write through the cache forgets it');
  t.deepEqual(await cached.get('a'), { v: 2 });
  t.deepEqual(cached.peek('a')?.value, { v: 2 });
  t.is(await cached.get('missing'), undefined);
  const held = cached.peek('missing');
  t.true(held !== undefined && held.value === undefined, 'held: there is none');
  await sleep(250);
  t.is(cached.peek('a'), undefined, 'expired');
  t.is(cached.peek('missing'), undefined, 'expired too');
  const off = setup(0);
  await off.direct.put('a', { v: 1 });
  await off.cached.get('a');
  t.is(off.cached.peek('a'), undefined, 'cacheMs 0 holds nothing');
});
