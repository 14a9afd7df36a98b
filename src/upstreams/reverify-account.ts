import type { AccountRecord, LinkedIdentity } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { Logger } from '../logger.ts';
import type { Storage } from '../storage/storage.ts';
import { admissionRefusal } from './admission.ts';
import { linkedIdentity } from './link-account.ts';
import type { TokenSealer } from './token-sealer.ts';
import { UpstreamError } from './upstream.ts';
import type { UpstreamRegistry } from './upstream-registry.ts';

export interface ReverifyDeps {
  upstreams: UpstreamRegistry;
  accounts: AccountStore;
  storage: Storage;
  sealer: TokenSealer;
  logger: Logger;
  now?: () => number;
}

// One re-check of an account at a time: concurrent refreshes of its devices would otherwise
// each redeem the same upstream refresh token, and the upstream's rotation would fail all but one.
const lockSeconds = 30;

/**
 * Leavers lose access (SPEC §13): at a refresh more than `reverifyAfter` after an identity's last
 * upstream check, the upstream is asked again and its admission rules re-applied. Refused, gone
 * or no longer admitted ends the login; new groups are stored, so this very refresh carries the
 * new max_priority; an upstream that cannot be reached is tolerated for `unreachableGrace`.
 */
export function createReverification({ upstreams, accounts, storage, sealer, logger, now = Date.now }: ReverifyDeps) {
  const due = (identity: LinkedIdentity) => {
    const settings = upstreams.settings.get(identity.upstream);
    return settings !== undefined && now() - Date.parse(identity.checkedAt) >= settings.reverifyAfter * 1000;
  };

  async function recheck(identity: LinkedIdentity): Promise<LinkedIdentity | { ended: string }> {
    const upstream = upstreams.get(identity.upstream);
    if (!upstream) return identity;
    const { settings } = upstream;
    const credential = identity.sealedCredential ? sealer.open(identity.sealedCredential) : undefined;
    try {
      const profile = await upstream.recheck(identity.subject, credential);
      const refusal = admissionRefusal(settings, profile);
      if (refusal) return { ended: `no longer admitted by ${settings.id}` };
      return { ...linkedIdentity(sealer, settings, profile, new Date(now())), linkedAt: identity.linkedAt, ...(profile.credential ? {} : pick(identity)) };
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.code !== 'unreachable') return { ended: `refused by ${settings.id}` };
      const overdue = now() - Date.parse(identity.checkedAt) - settings.reverifyAfter * 1000;
      if (overdue > settings.unreachableGrace * 1000) return { ended: `${settings.id} unreachable for longer than its grace period` };
      logger.warn({ upstream: settings.id, err: { message: error.message } }, 'upstream unreachable for a re-check; the login continues within its grace period');
      return identity;
    }
  }

  /** The account to go on with, or undefined when the login must end (its grants are revoked then). */
  return async function reverify(account: AccountRecord): Promise<AccountRecord | undefined> {
    const stale = (account.identities ?? []).filter(due);
    if (stale.length === 0) return account;
    const lock = `upstream-reverify:${account.id}`;
    if ((await storage.swapValue(lock, 'running', lockSeconds)) === 'running') return account;
    try {
      const fresh = new Map<LinkedIdentity, LinkedIdentity>();
      for (const identity of stale) {
        const result = await recheck(identity);
        if ('ended' in result) {
          const revoked = await storage.revokeGrantsOf({ kind: 'account', id: account.id });
          logger.info({ accountId: account.id, reason: result.ended, revokedGrants: revoked }, 'upstream re-check ended the logins of an account');
          return undefined;
        }
        fresh.set(identity, result);
      }
      const updated: AccountRecord = { ...account, identities: (account.identities ?? []).map((identity) => fresh.get(identity) ?? identity) };
      await accounts.save(updated);
      return updated;
    } finally {
      await storage.swapValue(lock, 'idle', 1);
    }
  };
}

const pick = (identity: LinkedIdentity) => (identity.sealedCredential ? { sealedCredential: identity.sealedCredential } : {});

export type Reverify = ReturnType<typeof createReverification>;
