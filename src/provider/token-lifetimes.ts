import type { Configuration } from 'oidc-provider';

import { deviceCodeTtlMetadata } from '../clients/provider-metadata.ts';
import type { Config } from '../config/schema.ts';

type Ttl = NonNullable<Configuration['ttl']>;

/**
 * Every artifact's lifetime. Refresh tokens slide by `refreshToken` on each rotation but never
 * past `refreshTokenAbsolute` from the first login (`iiat` survives rotation).
 */
export function createTokenLifetimes(ttl: Config['ttl'], { now = Date.now }: { now?: () => number } = {}): Ttl {
  const accessTokenTtl = (_ctx: unknown, token: { resourceServer?: { accessTokenTTL?: number } }) => token.resourceServer?.accessTokenTTL ?? ttl.accessToken;
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
      const nowSeconds = Math.floor(now() / 1000);
      const started = token.iiat ?? token.iat ?? nowSeconds;
      const remaining = started + ttl.refreshTokenAbsolute - nowSeconds;
      return Math.max(1, Math.min(ttl.refreshToken, remaining));
    },
  } as Ttl;
}
