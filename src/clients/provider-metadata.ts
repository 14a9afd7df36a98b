import type { ClientMetadata } from 'oidc-provider';

import type { ClientRecord } from './client-record.ts';

/**
 * The oidc-provider view of a client. `client_secret` carries the stored hash, never a
 * secret: oidc-provider's plaintext comparison is replaced (see client-secret-comparison.ts),
 * and no enabled feature uses the secret as a key (client_secret_jwt and symmetric
 * encryption are off).
 */
export function toProviderMetadata(record: ClientRecord): ClientMetadata {
  const metadata: ClientMetadata = {
    client_id: record.clientId,
    client_name: record.name,
    grant_types: record.grantTypes,
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: record.authMethod,
  };
  const current = record.secrets[0];
  if (current) metadata.client_secret = current.hash;
  if (record.jwks) metadata.jwks = record.jwks as ClientMetadata['jwks'];
  return metadata;
}
