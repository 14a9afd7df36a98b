import { AppError, invalidField } from '../errors.ts';
import type { FederatedIdentity } from '../federation/federated-identity.ts';
import type { TrustedIssuers } from '../federation/trusted-issuers.ts';
import { grantTypes, type ClientRecord } from './client-record.ts';
import type { FieldNamer } from './client-rules.ts';

/**
 * Federated identities and the jwt-bearer grant come together: the grant without an identity
 * could never succeed, an identity without the grant would never be used. The same identity
 * twice is a mistake, never a second meaning.
 */
export function checkFederatedIdentities(record: ClientRecord, field: FieldNamer): void {
  const identities = record.federatedIdentities ?? [];
  const hasGrant = record.grantTypes.includes(grantTypes.jwtBearer);
  if (hasGrant && identities.length === 0) throw invalidField(field('federated_identities'), 'the jwt-bearer grant needs at least one federated identity');
  if (!hasGrant && identities.length > 0)
    throw invalidField(field('federated_identities'), 'federated identities are only used by the jwt-bearer grant; add it to the grant types');
  const seen = new Set<string>();
  for (const [index, identity] of identities.entries()) {
    const key = exactIdentityKey(identity);
    if (seen.has(key)) throw invalidField(`${field('federated_identities')}.${index}`, 'listed twice');
    seen.add(key);
  }
}

/** Every identity names an issuer the deployment trusts (configuration or seed). */
export function checkFederatedIssuers(record: ClientRecord, trustedIssuers: TrustedIssuers, field: FieldNamer = (name) => name): void {
  for (const [index, identity] of (record.federatedIdentities ?? []).entries()) {
    if (!trustedIssuers.has(identity.issuer)) {
      throw invalidField(
        `${field('federated_identities')}.${index}.issuer`,
        `${identity.issuer} is not a trusted issuer (federation.trustedIssuers in the configuration or trustedIssuers in the seed)`,
      );
    }
  }
}

/** Everything a federated identity matches on: two with the same key are the same identity. */
export function exactIdentityKey(identity: FederatedIdentity): string {
  return JSON.stringify([identity.issuer, identity.subject ?? null, identity.audience ?? null, Object.entries(identity.conditions ?? {}).sort()]);
}

/** What a federated identity matches, whatever its conditions: issuer, subject and expected audience. */
export function federatedIdentityKey(identity: FederatedIdentity, defaultAudience: string): string {
  return JSON.stringify([identity.issuer, identity.subject, identity.audience ?? defaultAudience]);
}

/**
 * No two clients hold the same federated identity (issuer, subject, audience): one workload's
 * platform token would get it either client's token, whichever it named. `others` are the
 * other clients as they will be stored; the record's own entry among them is ignored.
 */
export function checkFederatedIdentitiesUnique(
  record: ClientRecord,
  others: Iterable<ClientRecord>,
  defaultAudience: string,
  field: FieldNamer = (name) => name,
): void {
  const identities = record.federatedIdentities ?? [];
  if (identities.length === 0) return;
  const holders = new Map<string, string>();
  for (const other of others) {
    if (other.clientId === record.clientId) continue;
    for (const identity of other.federatedIdentities ?? []) holders.set(federatedIdentityKey(identity, defaultAudience), other.clientId);
  }
  for (const [index, identity] of identities.entries()) {
    const holder = holders.get(federatedIdentityKey(identity, defaultAudience));
    if (holder !== undefined) {
      const at = `${field('federated_identities')}.${index}`;
      throw new AppError(
        'conflict',
        `${at}: client "${holder}" already holds this federated identity (same issuer, subject and audience); a workload identity belongs to one client`,
        { field: at },
      );
    }
  }
}
