import Provider, { type Adapter } from 'oidc-provider';

import type { AccountStore } from '../accounts/account-store.ts';
import type { RefreshTokenOwner } from '../storage/refresh-token-ids.ts';
import type { ModelPayload } from '../storage/storage.ts';

/**
 * The refresh_token grant reads its token, then its Grant, then its account, each awaited in
 * turn by oidc-provider. A refresh token's id names its grant and account
 * (storage/refresh-token-ids.ts), so the two later reads are started with the token's own
 * (`readAlong`), in the same storage round trip, and the Grant adapter and account store the
 * grant calls answer from them. Each read is taken once, by the request that started it: the
 * account is still read afresh at every refresh (SPEC §3), only sooner.
 */
export function createRefreshReadAhead(deps: { grants: Adapter; accounts: AccountStore }) {
  const started = new WeakMap<object, Map<string, Promise<unknown>>>();

  function start(key: string, read: () => Promise<unknown>) {
    const ctx = Provider.ctx;
    if (!ctx) return;
    let reads = started.get(ctx);
    if (!reads) started.set(ctx, (reads = new Map()));
    const reading = read();
    // Its failure is the taker's to see; a read the request never takes fails no one.
    reading.catch(() => {});
    reads.set(key, reading);
  }

  function take<T>(key: string): Promise<T> | undefined {
    const ctx = Provider.ctx;
    const reads = ctx ? started.get(ctx) : undefined;
    const reading = reads?.get(key);
    reads?.delete(key);
    return reading as Promise<T> | undefined;
  }

  return {
    readAlong({ grantId, accountId }: RefreshTokenOwner) {
      start(`grant:${grantId}`, () => deps.grants.find(grantId));
      start(`account:${accountId}`, () => deps.accounts.get(accountId));
    },
    grants: { ...deps.grants, find: (id: string) => take<ModelPayload | undefined>(`grant:${id}`) ?? deps.grants.find(id) } satisfies Adapter,
    accounts: {
      ...deps.accounts,
      get: (id: string) => take<Awaited<ReturnType<AccountStore['get']>>>(`account:${id}`) ?? deps.accounts.get(id),
    } satisfies AccountStore,
  };
}
