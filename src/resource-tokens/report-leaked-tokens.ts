import { randomBytes } from 'node:crypto';

import { clientSecretMatches, hashClientSecret, secretInForce } from '../clients/client-secret.ts';
import { AppError } from '../errors.ts';
import type { AttemptLimits } from '../pages/attempt-limits.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { resourceTokenIdOf } from '../kernel/resource-token-format.ts';
import { tokenInForce, tokenOfResource, type ResourceTokenRecord } from './resource-token-record.ts';
import type { ResourceTokenStore } from './resource-token-store.ts';
import type { ResourceTokens } from './resource-tokens.ts';

export interface LeakReportDeps {
  store: ResourceTokenStore;
  tokens: ResourceTokens;
  resources: ResourceRegistry;
  limits: AttemptLimits;
  securityEvents: SecurityEvents;
  secretPepper: string | undefined;
  /** Told of a revocation that failed after the answer was sent. */
  onError: (error: unknown) => void;
}

/** Where a report came from, for the limit and the security log. */
export interface Reporter {
  reqId?: string | undefined;
  ip?: string | undefined;
}

// A token holds its current secret and at most the one it replaced (ResourceTokens.rotate).
const comparedSecrets = 2;

/**
 * GitHub's credential revocation API as the model: whoever finds a leaked value reports it, and
 * a value that is a live token's current or overlapping secret is revoked. The caller learns
 * nothing: the answer is the same whatever was sent, the values are counted against the caller's
 * IP whatever they are (a limit that spared valid ones would tell them apart), every well-formed
 * value costs the same read and comparisons, and the answer (202 Accepted) goes before any
 * revocation, so its timing does not tell either.
 */
export function createLeakReports(deps: LeakReportDeps) {
  // Compared where there is no token or no secret in force: the same keyed hash as a real one.
  const standIn = hashClientSecret(randomBytes(32).toString('base64url'), deps.secretPepper);

  async function liveTokenOf(value: string): Promise<ResourceTokenRecord | undefined> {
    // The checksum is public (docs/team-tokens.md): anyone can tell a malformed value without us.
    const id = resourceTokenIdOf(value);
    if (!id) return undefined;
    const record = await deps.store.get(id);
    let matched = false;
    for (let slot = 0; slot < comparedSecrets; slot += 1) {
      const secret = record?.secrets[slot];
      // Every slot is compared, also once one matched.
      matched = clientSecretMatches(value, secret && secretInForce(secret) ? secret.hash : standIn, deps.secretPepper) || matched;
    }
    return matched && record && tokenInForce(record) ? record : undefined;
  }

  async function revoke(record: ResourceTokenRecord, from: Reporter): Promise<void> {
    const resource = await deps.resources.get(record.resource);
    if (!resource || !tokenOfResource(record, resource)) return;
    await deps.tokens.revoke(resource, record.id, { actor: { kind: 'report', id: from.ip ?? 'unknown' }, ...from });
    deps.securityEvents.emit('resource_token.reported', { ...from, resource: record.resource, tokenId: record.id });
  }

  return async function reportLeaked(values: readonly string[], from: Reporter): Promise<void> {
    const limited = await deps.limits.hit([['leakReportPerIp', from.ip ?? 'unknown', values.length]]);
    if (limited) {
      deps.securityEvents.emit('rate_limit.hit', { ...from, limit: 'leak_report' });
      const retryAfter = String(limited.retryAfterSeconds);
      throw new AppError('too_many_requests', `too many values reported from this address; try again in ${retryAfter} s`, {
        headers: { 'retry-after': retryAfter },
      });
    }
    const live = await Promise.all([...new Set(values.map((value) => value.trim()))].map(liveTokenOf));
    for (const record of live) if (record) revoke(record, from).catch(deps.onError);
  };
}
