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
  t.is(await grants.grantOf('jti-1'), 'grant-1');
  t.is(await grants.grantOf('jti-2'), undefined);
});

test('tokens without a grant and other kinds of token record nothing but still get their claims', async (t) => {
  const grants = createAccessTokenGrants(createMemoryStorage());
  const recording = grants.recording(extraClaims);
  t.deepEqual(await recording(ctx, { kind: 'ClientCredentials', jti: 'cc-1' }), { max_priority: 3 });
  t.deepEqual(await recording(ctx, { kind: 'RefreshToken', jti: 'rt-1', grantId: 'grant-1' }), { max_priority: 3 });
  t.deepEqual(await recording(ctx, { kind: 'AccessToken', grantId: 'grant-1' }), { max_priority: 3 });
  t.is(await grants.grantOf('cc-1'), undefined);
  t.is(await grants.grantOf('rt-1'), undefined);
});

test('the record outlives the token by a margin for clock skew, and then goes', async (t) => {
  const storage = createMemoryStorage();
  t.teardown(() => storage.close());
  const grants = createAccessTokenGrants(storage);
  // An already-expired token (negative lifetime) still gets the 120 s margin; -200 s leaves none.
  await grants.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'within-margin', grantId: 'grant-1', expiration: -100 });
  await grants.recording(extraClaims)(ctx, { kind: 'AccessToken', jti: 'past-margin', grantId: 'grant-1', expiration: -200 });
  t.is(await grants.grantOf('within-margin'), 'grant-1');
  t.is(await grants.grantOf('past-margin'), undefined);
});
