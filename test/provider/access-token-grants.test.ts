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

test('a tie written ahead is found at once and elsewhere, and saving its token writes nothing more', async (t) => {
  const storage = createMemoryStorage();
  t.teardown(() => storage.close());
  let writes = 0;
  const counted = { ...storage, swapValue: (name: string, value: string, ttl: number) => ((writes += 1), storage.swapValue(name, value, ttl)) };
  const grants = createAccessTokenGrants(counted);
  const expiresAt = Math.floor(Date.now() / 1000) + 600;
  await grants.recordAhead('jti-1', 'grant-1', expiresAt);
  t.is(writes, 1);
  t.is(await createAccessTokenGrants(storage).grantOf('jti-1', expiresAt), 'grant-1', 'another process reads it');

  t.deepEqual(await grants.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'jti-1', grantId: 'grant-1', expiration: 600 }), { max_priority: 3 });
  t.is(writes, 1, 'the token lives no longer than the tie written ahead');
  await grants.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'jti-1', grantId: 'grant-1', expiration: 1200 });
  t.is(writes, 2, 'a token outliving the tie writes it again, for its own lifetime');
  await grants.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'jti-1', grantId: 'grant-2', expiration: 60 });
  t.is(writes, 3, 'another grant is never taken for the one written ahead');
});
