import type { Account, FindAccount } from 'oidc-provider';

import type { AccountRecord } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { MaxPriority } from '../principals/max-priority.ts';

/** The account oidc-provider holds for a request (`ctx.oidc.account`), with what the claims need. */
export interface LoadedAccount extends Account {
  maxPriority: MaxPriority | undefined;
}

export interface FindAccountDeps {
  accounts: AccountStore;
  /** The effective max_priority: the account's own map and its upstream priority rules. */
  maxPriorityOf(account: AccountRecord): MaxPriority | undefined;
  /** Re-checks the account's upstream identities when due; undefined ends the login. */
  reverify(account: AccountRecord): Promise<AccountRecord | undefined>;
}

/**
 * A disabled or deleted account is not found, so its codes and refresh tokens stop working; at
 * a refresh, so is an account its upstream no longer vouches for (SPEC §13, leavers).
 */
export function createFindAccount({ accounts, maxPriorityOf, reverify }: FindAccountDeps): FindAccount {
  return async (_ctx, sub, token): Promise<LoadedAccount | undefined> => {
    let account = await accounts.get(sub);
    if (!account || account.disabled) return undefined;
    if (token?.kind === 'RefreshToken' && account.identities?.length) account = await reverify(account);
    if (!account) return undefined;
    const { id, username, name, email } = account;
    return {
      accountId: id,
      maxPriority: maxPriorityOf(account),
      claims: () => ({
        sub: id,
        preferred_username: username,
        ...(name ? { name } : {}),
        ...(email ? { email } : {}),
      }),
    };
  };
}
