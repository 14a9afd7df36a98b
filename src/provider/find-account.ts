import type { FindAccount } from 'oidc-provider';

import type { AccountStore } from '../accounts/account-store.ts';

/** A disabled or deleted account is not found, so its codes and refresh tokens stop working. */
export function createFindAccount(accounts: AccountStore): FindAccount {
  return async (_ctx, sub) => {
    const account = await accounts.get(sub);
    if (!account || account.disabled) return undefined;
    return {
      accountId: account.id,
      claims: () => ({
        sub: account.id,
        preferred_username: account.username,
        ...(account.name ? { name: account.name } : {}),
        ...(account.email ? { email: account.email } : {}),
      }),
    };
  };
}
