import { importJWK, type JWK } from 'jose';
import * as client from 'openid-client';

import { tokenEndpointAuthMethods, type OidcUpstreamSettings } from '../config/upstream-schema.ts';

export type TokenEndpointAuthMethod = (typeof tokenEndpointAuthMethods)[number];

/**
 * The method tollgate authenticates with at the upstream's token endpoint: the configured one,
 * else the first the upstream advertises of those tollgate has the credentials for (a private
 * key first, as it is the stronger). RFC 8414 §2: an upstream that advertises nothing takes
 * client_secret_basic.
 */
export function chooseTokenEndpointAuthMethod(settings: OidcUpstreamSettings, advertised: readonly string[] | undefined): TokenEndpointAuthMethod {
  if (settings.tokenEndpointAuthMethod) return settings.tokenEndpointAuthMethod;
  const supported = advertised ?? ['client_secret_basic'];
  const usable = tokenEndpointAuthMethods.filter((method) =>
    method === 'private_key_jwt' ? settings.privateKey !== undefined : settings.clientSecret !== undefined,
  );
  const preferred = [...usable].sort((a, b) => Number(b === 'private_key_jwt') - Number(a === 'private_key_jwt'));
  const chosen = preferred.find((method) => supported.includes(method));
  if (!chosen)
    throw new Error(
      `the upstream accepts ${supported.join(', ') || 'no method'} at its token endpoint, none of which tollgate has credentials for (${usable.join(', ')}); set tokenEndpointAuthMethod`,
    );
  return chosen;
}

/** openid-client's client authentication for the method (ClientSecretBasic form-encodes the id, RFC 6749 §2.3.1). */
export async function clientAuthentication(settings: OidcUpstreamSettings, method: TokenEndpointAuthMethod): Promise<client.ClientAuth> {
  switch (method) {
    case 'client_secret_basic':
      return client.ClientSecretBasic(settings.clientSecret as string);
    case 'client_secret_post':
      return client.ClientSecretPost(settings.clientSecret as string);
    case 'private_key_jwt': {
      const jwk = settings.privateKey as JWK;
      const key = await importJWK(jwk, jwk.alg ?? defaultAlg(jwk));
      if (key instanceof Uint8Array) throw new Error('privateKeyEnv holds a symmetric key, not a private key');
      return client.PrivateKeyJwt(jwk.kid ? { key, kid: jwk.kid } : key);
    }
  }
}

function defaultAlg(jwk: JWK): string {
  if (jwk.kty === 'EC') return ({ 'P-384': 'ES384', 'P-521': 'ES512' } as Record<string, string>)[jwk.crv ?? ''] ?? 'ES256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  return 'RS256';
}
