import type { KoaContextWithOIDC } from 'oidc-provider';

import type { AccountRecord } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import { grantTypes } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { LoadedAccount } from './find-account.ts';

interface TokenLike {
  kind: string;
  clientId?: string;
  accountId?: string;
  gty?: string;
  extra?: Record<string, unknown>;
}

/**
 * `max_priority` of the token's principal: the client's for client credentials, the account's
 * (read afresh, so an admin's change shows at the next refresh) for people. The device-code and
 * refresh grants have just read the account through findAccount in this same request; that
 * read is reused instead of a second storage round trip.
 */
export function createTokenClaims(clients: ClientRegistry, accounts: AccountStore, maxPriorityOf: (account: AccountRecord) => MaxPriority | undefined) {
  return async function extraTokenClaims(ctx: KoaContextWithOIDC, token: TokenLike) {
    // A token exchange decides its claims itself (act, the narrowed max_priority): see token-exchange/.
    if (token.gty === grantTypes.tokenExchange) return token.extra;
    let maxPriority: MaxPriority | undefined;
    if (token.accountId) {
      const loaded = loadedAccount(ctx, token.accountId);
      if (loaded) maxPriority = loaded.maxPriority;
      else {
        const account = await accounts.get(token.accountId);
        maxPriority = account ? maxPriorityOf(account) : undefined;
      }
    } else if (token.clientId) {
      const held = clients.peek(token.clientId);
      maxPriority = (held ? held.value : await clients.get(token.clientId))?.maxPriority;
    }
    return maxPriority ? { max_priority: maxPriority } : undefined;
  };
}

function loadedAccount(ctx: KoaContextWithOIDC, accountId: string): LoadedAccount | undefined {
  const account = ctx.oidc?.account as LoadedAccount | undefined;
  return account?.accountId === accountId && 'maxPriority' in account ? account : undefined;
}
