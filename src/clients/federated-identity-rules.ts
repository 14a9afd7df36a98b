import { invalidField } from '../errors.ts';
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
  if (!hasGrant && identities.length > 0) throw invalidField(field('federated_identities'), 'federated identities are only used by the jwt-bearer grant; add it to the grant types');
  const seen = new Set<string>();
  for (const [index, identity] of identities.entries()) {
    const key = JSON.stringify([identity.issuer, identity.subject, identity.audience ?? null, Object.entries(identity.conditions ?? {}).sort()]);
    if (seen.has(key)) throw invalidField(`${field('federated_identities')}.${index}`, 'listed twice');
    seen.add(key);
  }
}

/** Every identity names an issuer the deployment trusts (configuration or seed). */
export function checkFederatedIssuers(record: ClientRecord, trustedIssuers: TrustedIssuers, field: FieldNamer = (name) => name): void {
  for (const [index, identity] of (record.federatedIdentities ?? []).entries()) {
    if (!trustedIssuers.has(identity.issuer)) {
      throw invalidField(`${field('federated_identities')}.${index}.issuer`, `${identity.issuer} is not a trusted issuer (federation.trustedIssuers in the configuration or trustedIssuers in the seed)`);
    }
  }
}
