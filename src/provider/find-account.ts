import type { Account, FindAccount } from 'oidc-provider';

import type { AccountStore } from '../accounts/account-store.ts';
import type { MaxPriority } from '../principals/max-priority.ts';

/** The account oidc-provider holds for a request (`ctx.oidc.account`), with what the claims need. */
export interface LoadedAccount extends Account {
  maxPriority: MaxPriority | undefined;
}

/** A disabled or deleted account is not found, so its codes and refresh tokens stop working. */
export function createFindAccount(accounts: AccountStore): FindAccount {
  return async (_ctx, sub): Promise<LoadedAccount | undefined> => {
    const account = await accounts.get(sub);
    if (!account || account.disabled) return undefined;
    return {
      accountId: account.id,
      maxPriority: account.maxPriority,
      claims: () => ({
        sub: account.id,
        preferred_username: account.username,
        ...(account.name ? { name: account.name } : {}),
        ...(account.email ? { email: account.email } : {}),
      }),
    };
  };
}
