import { invalidField } from '../errors.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';

/** Whether the resource's self-service policy lets CI identities from `issuer` be bound (SPEC §15). */
export function publisherIssuerAllowed(resource: ResourceServerRecord, issuer: string): boolean {
  return resource.selfService?.publisherIssuers.includes(issuer) ?? false;
}

/**
 * A new trusted publisher's issuer: one the admin trusts (SPEC §14: configuration or seed) and
 * the resource's policy lists; a resource whose policy lists none has no trusted publishers.
 */
export function checkPublisherIssuer(resource: ResourceServerRecord, issuer: string, trustedIssuers: { has(issuer: string): boolean }): void {
  const allowed = resource.selfService?.publisherIssuers ?? [];
  if (allowed.length === 0)
    throw invalidField(
      'issuer',
      `${resource.identifier} allows no trusted publishers: an admin lists the issuers it accepts them from (trusted_publisher_issuers)`,
    );
  if (!publisherIssuerAllowed(resource, issuer))
    throw invalidField('issuer', `${resource.identifier} allows trusted publishers only from ${allowed.join(', ')}`);
  if (!trustedIssuers.has(issuer)) throw invalidField('issuer', `${issuer} is no longer a trusted issuer of this tollgate; ask an admin`);
}
