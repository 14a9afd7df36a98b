import type { Configuration } from 'oidc-provider';

import { deviceCodeTtlMetadata } from '../clients/provider-metadata.ts';
import type { Config } from '../config/schema.ts';

type Ttl = NonNullable<Configuration['ttl']>;

/**
 * Every artifact's lifetime. Refresh tokens slide by `refreshToken` on each rotation but never
 * past `refreshTokenAbsolute` from the first login (`iiat` survives rotation).
 */
export function createTokenLifetimes(ttl: Config['ttl']): Ttl {
  const accessTokenTtl = (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) =>
    token.resourceServer?.accessTokenTTL ?? ttl.accessToken;
  return {
    AccessToken: accessTokenTtl,
    ClientCredentials: accessTokenTtl,
    AuthorizationCode: 60,
    BackchannelAuthenticationRequest: 600,
    // A client's own lifetime (admin API, seed, CLI) wins over the server's.
    DeviceCode: (_ctx, _token, client) => {
      const own = (client as unknown as Record<string, unknown> | undefined)?.[deviceCodeTtlMetadata];
      return typeof own === 'number' ? own : ttl.deviceCode;
    },
    Grant: ttl.refreshTokenAbsolute,
    IdToken: 3600,
    Interaction: ttl.interaction,
    Session: ttl.interaction,
    RefreshToken: (_ctx, token) => {
      const started = token.iiat ?? token.iat ?? Math.floor(Date.now() / 1000);
      const remaining = started + ttl.refreshTokenAbsolute - Math.floor(Date.now() / 1000);
      return Math.max(1, Math.min(ttl.refreshToken, remaining));
    },
  } as Ttl;
}
