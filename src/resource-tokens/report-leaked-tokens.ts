import { clientSecretMatches, secretInForce } from '../clients/client-secret.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { resourceTokenIdOf } from '../kernel/resource-token-format.ts';
import { tokenInForce } from './resource-token-record.ts';
import type { ResourceTokenStore } from './resource-token-store.ts';
import type { ResourceTokens } from './resource-tokens.ts';

/**
 * GitHub's credential revocation API as the model: whoever finds a leaked value reports it, and
 * a value that is a live token's current or overlapping secret is revoked at once. The caller
 * learns nothing (the answer is the same whatever was sent), so the endpoint cannot test values.
 */
export function createLeakReports(deps: { store: ResourceTokenStore; tokens: ResourceTokens; securityEvents: SecurityEvents; secretPepper: string | undefined }) {
  return async function reportLeaked(values: readonly string[], from: { reqId?: string | undefined; ip?: string | undefined }): Promise<void> {
    for (const value of new Set(values)) {
      const id = resourceTokenIdOf(value.trim());
      if (!id) continue;
      const record = await deps.store.get(id);
      if (!record || !tokenInForce(record)) continue;
      if (!record.secrets.some((secret) => secretInForce(secret) && clientSecretMatches(value.trim(), secret.hash, deps.secretPepper))) continue;
      await deps.tokens.revoke({ identifier: record.resource }, id, { actor: { kind: 'report', id: from.ip ?? 'unknown' }, ...from });
      deps.securityEvents.emit('resource_token.reported', { ...from, resource: record.resource, tokenId: id });
    }
  };
}
