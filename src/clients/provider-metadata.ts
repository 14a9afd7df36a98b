import { errors, type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider';

import type { ClientRecord } from './client-record.ts';

/**
 * The client's device code lifetime, carried to oidc-provider as extra client metadata
 * (`extraClientMetadata`) so that its synchronous `ttl.DeviceCode` can read it from the client.
 */
export const deviceCodeTtlMetadata = 'tollgate_device_code_ttl';

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
  if (record.deviceCodeTtl !== undefined) metadata[deviceCodeTtlMetadata] = record.deviceCodeTtl;
  return metadata;
}

/**
 * extraClientMetadata validator: the lifetime is an admin's setting, so a client registering
 * itself (RFC 7591/7592) may not send it.
 */
export function refuseFromRegistrants(ctx: KoaContextWithOIDC | undefined, key: string, value: unknown): void {
  const route = ctx?.oidc?.route;
  if (value !== undefined && (route === 'registration' || route === 'client_update'))
    throw new errors.InvalidClientMetadata(`${key} is set by an administrator`);
}
