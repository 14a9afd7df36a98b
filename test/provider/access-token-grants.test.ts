import test from 'ava';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { createAccessTokenGrants } from '../../src/provider/access-token-grants.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

const ctx = {} as KoaContextWithOIDC;
const extraClaims = async () => ({ max_priority: 3 });

test('a grant-bound access token is recorded against its grant before its claims are added', async (t) => {
  const grants = createAccessTokenGrants(createMemoryStorage());
  const claims = await grants.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'jti-1', grantId: 'grant-1', expiration: 600 });
  t.deepEqual(claims, { max_priority: 3 });
  t.is(await grants.grantOf('jti-1', undefined), 'grant-1');
  t.is(await grants.grantOf('jti-2', undefined), undefined);
});

test('tokens without a grant and other kinds of token record nothing but still get their claims', async (t) => {
  const grants = createAccessTokenGrants(createMemoryStorage());
  const recording = grants.recording(extraClaims);
  t.deepEqual(await recording(ctx, { kind: 'ClientCredentials', jti: 'cc-1' }), { max_priority: 3 });
  t.deepEqual(await recording(ctx, { kind: 'RefreshToken', jti: 'rt-1', grantId: 'grant-1' }), { max_priority: 3 });
  t.deepEqual(await recording(ctx, { kind: 'AccessToken', grantId: 'grant-1' }), { max_priority: 3 });
  t.is(await grants.grantOf('cc-1', undefined), undefined);
  t.is(await grants.grantOf('rt-1', undefined), undefined);
});

test('the record outlives the token by a margin for clock skew, and then goes', async (t) => {
  const storage = createMemoryStorage();
  t.teardown(() => storage.close());
  const grants = createAccessTokenGrants(storage);
  // An already-expired token (negative lifetime) still gets the 120 s margin; -200 s leaves none.
  await grants.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'within-margin', grantId: 'grant-1', expiration: -100 });
  await grants.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'past-margin', grantId: 'grant-1', expiration: -200 });
  t.is(await grants.grantOf('within-margin', undefined), 'grant-1');
  t.is(await grants.grantOf('past-margin', undefined), undefined);
});

test('the tie is stored for other processes; a process that wrote or read it finds it again without a storage read', async (t) => {
  const storage = createMemoryStorage();
  t.teardown(() => storage.close());
  let reads = 0;
  const counted = { ...storage, getValue: (name: string) => ((reads += 1), storage.getValue(name)) };
  const writer = createAccessTokenGrants(counted);
  await writer.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'jti-1', grantId: 'grant-1', expiration: 600 });
  t.is(await writer.grantOf('jti-1', undefined), 'grant-1');
  t.is(reads, 0, 'the writing process remembers it');

  const exp = Math.floor(Date.now() / 1000) + 600;
  const other = createAccessTokenGrants(counted);
  t.is(await other.grantOf('jti-1', exp), 'grant-1');
  t.is(await other.grantOf('jti-1', exp), 'grant-1');
  t.is(reads, 1, 'another process reads it once');
  t.is(await other.grantOf('jti-2', exp), undefined);
  t.is(await other.grantOf('jti-2', exp), undefined);
  t.is(reads, 3, 'an unknown id is read every time');
});

test('saveRecorded writes the tie while the token is signed, and hands out the token only once it is written', async (t) => {
  const storage = createMemoryStorage();
  t.teardown(() => storage.close());
  const steps: string[] = [];
  let failWrite = false;
  const slow = {
    ...storage,
    swapValue: async (name: string, value: string, ttl: number) => {
      steps.push('write started');
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (failWrite) throw new Error('storage unavailable');
      steps.push('write done');
      return storage.swapValue(name, value, ttl);
    },
  };
  const grants = createAccessTokenGrants(slow);
  const recording = grants.recording(extraClaims);
  const token = (jti: string) => ({
    kind: 'AccessToken',
    jti,
    grantId: 'grant-1',
    expiration: 600,
    async save() {
      await recording(ctx, this);
      steps.push('signed');
      return `value-of-${jti}`;
    },
  });

  t.is(await grants.saveRecorded(token('jti-1')), 'value-of-jti-1');
  t.deepEqual(steps, ['write started', 'signed', 'write done']);
  t.is(await createAccessTokenGrants(storage).grantOf('jti-1', undefined), 'grant-1');

  failWrite = true;
  await t.throwsAsync(grants.saveRecorded(token('jti-2')), { message: 'storage unavailable' });

  steps.length = 0;
  failWrite = false;
  await token('jti-3').save();
  t.deepEqual(steps, ['write started', 'write done', 'signed'], 'a token saved by oidc-provider itself waits for its record before it is signed');
});
