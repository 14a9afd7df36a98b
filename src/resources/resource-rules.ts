import { AppError, invalidField } from '../errors.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import type { ResourceServerRecord } from './resource-server-record.ts';
import { adminResource } from './resource-server-record.ts';

/** The rules every resource server obeys, from the admin API or the seed. */
export function checkResource(record: ResourceServerRecord, signingKeys: SigningKeys, field: (name: string) => string = (name) => name): void {
  // In store mode the key for a new algorithm is made within a check interval (keys/key-manager.ts).
  if (!signingKeys.providerKeys && !signingKeys.signingKid[record.signingAlg]) {
    throw invalidField(field('signing_alg'), `no ${record.signingAlg} key is configured to sign with; add one to the JWKS (tollgate keys add) or pick another`);
  }
  if (new Set(record.scopes).size !== record.scopes.length) throw invalidField(field('scopes'), 'lists a scope twice');
}

export function refuseBuiltIn(identifier: string): void {
  if (identifier === adminResource.identifier) throw new AppError('conflict', `${identifier} is built in and cannot be changed`);
}
