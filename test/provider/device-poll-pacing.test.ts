import test from 'ava';
import { errors, type KoaContextWithOIDC } from 'oidc-provider';

import { grantTypes } from '../../src/clients/client-record.ts';
import { createDevicePollPacing } from '../../src/provider/device-poll-pacing.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';

/** What the token endpoint answered a device poll, as the pacing step finds it once the provider has answered. */
function answered(deviceCode: string, error = 'authorization_pending', grantType: string = grantTypes.deviceCode) {
  return {
    oidc: { route: 'token', params: { grant_type: grantType, device_code: deviceCode } },
    status: 400,
    body: { error },
    set() {},
  } as unknown as KoaContextWithOIDC & {
    body: { error: string };
  };
}

async function poll(pacing: ReturnType<typeof createDevicePollPacing>, ctx: KoaContextWithOIDC & { body: { error: string } }) {
  await pacing(ctx);
  return ctx.body.error;
}

const pacingWith = (storage: Storage, intervalSeconds = 5) => createDevicePollPacing(storage, { intervalSeconds, ttlSeconds: 600 });

test('a pending poll sooner than the interval gets slow_down, every later early poll too', async (t) => {
  const pacing = pacingWith(createMemoryStorage());
  t.is(await poll(pacing, answered('device-1')), 'authorization_pending', 'the first poll is in time');
  t.is(await poll(pacing, answered('device-1')), 'slow_down');
  t.is(await poll(pacing, answered('device-1')), 'slow_down');
});

test('slow_down is rendered as an RFC 8628 §3.5 error with status 400', async (t) => {
  const pacing = pacingWith(createMemoryStorage());
  await poll(pacing, answered('device-1'));
  const early = answered('device-1');
  await pacing(early);
  t.is(early.status, 400);
  t.deepEqual(early.body, { error: 'slow_down', error_description: new errors.SlowDown().error_description });
});

test('each device code is paced on its own', async (t) => {
  const pacing = pacingWith(createMemoryStorage());
  await poll(pacing, answered('device-1'));
  t.is(await poll(pacing, answered('device-2')), 'authorization_pending');
  t.is(await poll(pacing, answered('device-1')), 'slow_down');
});

test('a device whose interval is zero is never told to slow down', async (t) => {
  const pacing = pacingWith(createMemoryStorage(), 0);
  for (let i = 0; i < 3; i++) t.is(await poll(pacing, answered('device-1')), 'authorization_pending');
});

test('only pending device-code polls are paced: other answers and grants are left as they are', async (t) => {
  const storage = createMemoryStorage();
  const pacing = pacingWith(storage);
  for (let i = 0; i < 2; i++) {
    t.is(await poll(pacing, answered('device-1', 'access_denied')), 'access_denied');
    t.is(await poll(pacing, answered('device-1', 'authorization_pending', grantTypes.clientCredentials)), 'authorization_pending');
  }
  t.is(pacing(answered('device-1', 'expired_token')), undefined, 'no wait on storage for an answer that is not pending');
  t.is(await poll(pacing, answered('device-1')), 'authorization_pending', 'none of those counted as a poll');
});
