import { AppError, invalidField } from '../errors.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import type { ResourceServerRecord } from './resource-server-record.ts';
import { builtInResourceIdentifiers } from './resource-server-record.ts';

/** The rules every resource server obeys, from the admin API or the seed. */
export function checkResource(record: ResourceServerRecord, signingKeys: SigningKeys, field: (name: string) => string = (name) => name): void {
  // In store mode the key for a new algorithm is made within a check interval (keys/key-manager.ts).
  if (!signingKeys.providerKeys && !signingKeys.signingKid[record.signingAlg]) {
    throw invalidField(field('signing_alg'), `no ${record.signingAlg} key is configured to sign with; add one to the JWKS (tollgate keys add) or pick another`);
  }
  if (new Set(record.scopes).size !== record.scopes.length) throw invalidField(field('scopes'), 'lists a scope twice');
}

export function refuseBuiltIn(identifier: string): void {
  if (builtInResourceIdentifiers.includes(identifier)) throw new AppError('conflict', `${identifier} is built in and cannot be changed`);
}

/** What the self-service policy and maintainers may name: configured upstreams and trusted issuers. */
export interface SelfServiceNames {
  upstreamIds: { has(id: string): boolean };
  trustedIssuers: { has(issuer: string): boolean };
}

/**
 * SPEC §15: a resource token's scopes are the resource's own, maintainer groups come from a
 * configured upstream, trusted publishers from a trusted issuer. (The built-in admin API cannot
 * be changed at all, so it never has maintainers: they could mint admin tokens.)
 */
export function checkSelfService(record: ResourceServerRecord, names: SelfServiceNames, field: (name: string) => string = (name) => name): void {
  const policy = record.selfService;
  const unknownScope = policy?.scopes?.find((scope) => !record.scopes.includes(scope));
  if (unknownScope) throw invalidField(field('self_service_scopes'), `"${unknownScope}" is not one of the resource's scopes`);
  const unknownIssuer = policy?.publisherIssuers.find((issuer) => !names.trustedIssuers.has(issuer));
  if (unknownIssuer) throw invalidField(field('trusted_publisher_issuers'), `${unknownIssuer} is not a trusted issuer (federation.trustedIssuers)`);
  const unknownUpstream = record.maintainers?.groups.find(({ upstream }) => !names.upstreamIds.has(upstream));
  if (unknownUpstream) throw invalidField(field('maintainers.groups'), `no upstream "${unknownUpstream.upstream}" is configured`);
}
