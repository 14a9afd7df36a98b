import test from 'ava';

import { deviceCodeGraceSeconds, retainExpiredDeviceCodes } from '../../src/provider/device-code-retention.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

test('a device code past its expiry is still found for the grace period, so the device can hear expired_token', async (t) => {
  const storage = createMemoryStorage();
  t.teardown(() => storage.close());
  const plain = storage.modelAdapter('DeviceCode');
  const retaining = retainExpiredDeviceCodes(plain, deviceCodeGraceSeconds);
  // Written with a lifetime already 60 s over: the plain store drops it, the retaining one keeps it.
  await plain.upsert('dropped', { userCode: 'AAAA-BBBB' }, -60);
  await retaining.upsert('kept', { userCode: 'CCCC-DDDD' }, -60);
  t.is(await plain.find('dropped'), undefined);
  t.like(await retaining.find('kept'), { userCode: 'CCCC-DDDD' });
});

test('the grace is added to the lifetime, not granted forever', async (t) => {
  const storage = createMemoryStorage();
  t.teardown(() => storage.close());
  const retaining = retainExpiredDeviceCodes(storage.modelAdapter('DeviceCode'), 30);
  await retaining.upsert('past-grace', { userCode: 'AAAA-BBBB' }, -60);
  t.is(await retaining.find('past-grace'), undefined);
});

test("a record stored without a lifetime keeps none, and the other operations are the store's own", async (t) => {
  const storage = createMemoryStorage();
  t.teardown(() => storage.close());
  const retaining = retainExpiredDeviceCodes(storage.modelAdapter('DeviceCode'), deviceCodeGraceSeconds);
  await retaining.upsert('lasting', { userCode: 'AAAA-BBBB' }, undefined as unknown as number);
  t.like(await retaining.find('lasting'), { userCode: 'AAAA-BBBB' });
  await retaining.destroy('lasting');
  t.is(await retaining.find('lasting'), undefined);
});
