import test from 'ava';

import { refreshTokenPolicy } from '../../src/provider/refresh-token-policy.ts';

const ctx = {} as never;

test('refresh tokens are issued to clients allowed the refresh grant, rotate on every use and outlive the sign-in session', async (t) => {
  const client = (allowed: boolean) => ({ grantTypeAllowed: (grant: string) => allowed && grant === 'refresh_token' });
  t.true(await refreshTokenPolicy.issueRefreshToken?.(ctx, client(true) as never, {} as never));
  t.false(await refreshTokenPolicy.issueRefreshToken?.(ctx, client(false) as never, {} as never));
  t.true((refreshTokenPolicy.rotateRefreshToken as (ctx: never) => boolean)(ctx));
  t.false(await refreshTokenPolicy.expiresWithSession?.(ctx, {} as never));
});
