import test from 'ava';

import { createRefreshingToken, refreshFraction } from '../../packages/client/src/refreshing-token.ts';
import type { IssuedToken } from '../../packages/client/src/token-endpoint-client.ts';

function issuer(lifetimeMs: number, requestedAgoMs = 0) {
  let calls = 0;
  const fetchToken = async (): Promise<IssuedToken> => {
    calls += 1;
    const requestedAt = Date.now() - requestedAgoMs;
    return { token: { accessToken: `token-${calls}`, tokenType: 'Bearer', expiresAt: requestedAt + lifetimeMs, scope: undefined }, requestedAt, lifetimeMs };
  };
  return { fetchToken, calls: () => calls };
}

test('concurrent callers share one request, and the token is cached', async (t) => {
  const source = issuer(60_000);
  const token = createRefreshingToken(source.fetchToken, 0.8);
  const tokens = await Promise.all(Array.from({ length: 10 }, () => token.getToken()));
  t.true(tokens.every((each) => each.accessToken === 'token-1'));
  t.is((await token.getToken()).accessToken, 'token-1');
  t.is(source.calls(), 1);
});

test('past refreshAfter the cached token is handed out while its successor is fetched', async (t) => {
  // Issued 50 s ago with a 60 s lifetime: past 0.8 of it, still usable.
  const source = issuer(60_000, 50_000);
  const token = createRefreshingToken(source.fetchToken, 0.8);
  t.is((await token.getToken()).accessToken, 'token-1');
  t.is((await token.getToken()).accessToken, 'token-1');
  t.is(source.calls(), 2);
});

test('a token too close to expiry is not handed out; idle says when an entry can be forgotten', async (t) => {
  const source = issuer(10_000, 9_500);
  const token = createRefreshingToken(source.fetchToken, 0.8);
  t.true(token.idle());
  await token.getToken();
  t.true(token.idle(), 'nothing usable is left and nothing is in flight');
  t.is((await token.getToken()).accessToken, 'token-2');
  const fresh = createRefreshingToken(issuer(60_000).fetchToken, 0.8);
  await fresh.getToken();
  t.false(fresh.idle());
  fresh.invalidate();
  t.true(fresh.idle());
});

test('a failed fetch is thrown to the callers waiting on it, and the next call tries again', async (t) => {
  let fail = true;
  const ok = issuer(60_000);
  const token = createRefreshingToken(async () => {
    if (fail) throw new Error('refused');
    return ok.fetchToken();
  }, 0.8);
  await t.throwsAsync(token.getToken(), { message: 'refused' });
  fail = false;
  t.is((await token.getToken()).accessToken, 'token-1');
});

test('refreshAfter must be a fraction of the lifetime', (t) => {
  t.is(refreshFraction(), 0.8);
  t.throws(() => refreshFraction(1), { instanceOf: TypeError });
  t.throws(() => refreshFraction(0), { instanceOf: TypeError });
});
