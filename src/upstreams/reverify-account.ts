import { setTimeout as sleep } from 'node:timers/promises';

import type { AccountRecord, LinkedIdentity } from '../accounts/account-record.ts';
import type { AccountStore } from '../accounts/account-store.ts';
import type { Logger } from '../logger.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { admissionRefusal } from './admission.ts';
import { linkedIdentity } from './link-account.ts';
import type { TokenSealer } from './token-sealer.ts';
import { ReverifyBusyError } from './reverify-busy-error.ts';
import { UpstreamError, upstreamTimeoutMs, type UpstreamResponse } from './upstream.ts';
import type { UpstreamRegistry } from './upstream-registry.ts';

export interface ReverifyDeps {
  upstreams: UpstreamRegistry;
  accounts: AccountStore;
  storage: Storage;
  sealer: TokenSealer;
  logger: Logger;
  securityEvents: SecurityEvents;
  now?: () => number;
  /** How long a refresh waits for another refresh's running re-check of the same account. */
  waitMs?: number;
}

// One re-check of an account at a time: concurrent refreshes of its devices would otherwise
// each redeem the same upstream refresh token, and the upstream's rotation would fail all but one.
const lockSeconds = 30;
const pollMs = 50;

/**
 * Leavers lose access (SPEC §13): at a refresh more than `reverifyAfter` after an identity's last
 * upstream check, the upstream is asked again and its admission rules re-applied. Refused, gone
 * or no longer admitted ends the login; new groups are stored, so this very refresh carries the
 * new max_priority. An upstream that cannot be reached is tolerated for `unreachableGrace`,
 * counted from the first re-check that failed (stored with the identity), so a blip ends no one.
 * A refresh that finds another refresh of the account re-checking waits for its outcome.
 */
export function createReverification({
  upstreams,
  accounts,
  storage,
  sealer,
  logger,
  securityEvents,
  now = Date.now,
  waitMs = 2 * upstreamTimeoutMs + 2000,
}: ReverifyDeps) {
  const due = (identity: LinkedIdentity) => {
    const settings = upstreams.settings.get(identity.upstream);
    return settings !== undefined && now() - Date.parse(identity.checkedAt) >= settings.reverifyAfter * 1000;
  };

  async function recheck(identity: LinkedIdentity): Promise<LinkedIdentity | { ended: string; upstream: string; response?: UpstreamResponse | undefined }> {
    const upstream = upstreams.get(identity.upstream);
    if (!upstream) return identity;
    const { settings } = upstream;
    const credential = identity.sealedCredential ? sealer.open(identity.sealedCredential) : undefined;
    try {
      const profile = await upstream.recheck(identity.subject, credential);
      const refusal = admissionRefusal(settings, profile);
      if (refusal) return { ended: 'no_longer_admitted', upstream: settings.id };
      return { ...linkedIdentity(sealer, settings, profile, new Date(now())), linkedAt: identity.linkedAt, ...(profile.credential ? {} : pick(identity)) };
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.code !== 'unreachable')
        return { ended: 'refused', upstream: settings.id, response: error instanceof UpstreamError ? error.response : undefined };
      const since = identity.unreachableSince ? Date.parse(identity.unreachableSince) : now();
      if (now() - since > settings.unreachableGrace * 1000) return { ended: 'unreachable_past_grace', upstream: settings.id };
      logger.warn(
        { upstream: settings.id, unreachableSince: new Date(since).toISOString(), err: { message: error.message }, upstreamResponse: error.response },
        'upstream unreachable for a re-check; the login continues within its grace period',
      );
      return { ...identity, unreachableSince: new Date(since).toISOString() };
    }
  }

  /** Whether the lock was let go within waitMs. */
  async function released(lock: string): Promise<boolean> {
    for (const deadline = Date.now() + waitMs; Date.now() < deadline;) {
      await sleep(pollMs);
      if ((await storage.getValue(lock)) !== 'running') return true;
    }
    return false;
  }

  async function run(account: AccountRecord, stale: LinkedIdentity[]): Promise<AccountRecord | undefined> {
    const fresh = new Map<LinkedIdentity, LinkedIdentity>();
    for (const identity of stale) {
      const result = await recheck(identity);
      if ('ended' in result) {
        const revoked = await storage.revokeGrantsOf({ kind: 'account', id: account.id });
        // Counted, like every other revocation: a security team watches leavers being cut off.
        securityEvents.emit('grant.revoked', {
          accountId: account.id,
          grants: revoked,
          reason: 'upstream_recheck',
          upstream: result.upstream,
          recheck: result.ended,
          upstreamResponse: result.response,
        });
        return undefined;
      }
      fresh.set(identity, result);
    }
    const updated: AccountRecord = { ...account, identities: (account.identities ?? []).map((identity) => fresh.get(identity) ?? identity) };
    await accounts.save(updated);
    return updated;
  }

  /**
   * The account to go on with, or undefined when the login must end (its grants are revoked
   * then). Throws ReverifyBusyError when another refresh's re-check of it does not finish in time.
   */
  return async function reverify(account: AccountRecord): Promise<AccountRecord | undefined> {
    let current = account;
    for (let attempt = 0; attempt < 2; attempt++) {
      const stale = (current.identities ?? []).filter(due);
      if (stale.length === 0) return current;
      const lock = valueNames.upstreamReverify(current.id);
      if ((await storage.swapValue(lock, 'running', lockSeconds)) !== 'running') {
        try {
          return await run(current, stale);
        } finally {
          await storage.swapValue(lock, 'idle', 1);
        }
      }
      // Another refresh is re-checking this account: its outcome (stored identities, or revoked
      // grants with the identity still due) decides this one too, never an unchecked pass.
      if (!(await released(lock))) break;
      const reread = await accounts.get(current.id);
      if (!reread || reread.disabled) return undefined;
      current = reread;
    }
    throw new ReverifyBusyError();
  };
}

const pick = (identity: LinkedIdentity) => (identity.sealedCredential ? { sealedCredential: identity.sealedCredential } : {});

export type Reverify = ReturnType<typeof createReverification>;
