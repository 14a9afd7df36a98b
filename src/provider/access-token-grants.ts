import type { KoaContextWithOIDC } from 'oidc-provider';

import { valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';

interface IssuedToken {
  kind: string;
  jti?: string;
  grantId?: string;
  expiration?: number;
}

type ExtraTokenClaims = (ctx: KoaContextWithOIDC, token: IssuedToken) => Promise<Record<string, unknown> | undefined>;

export interface AccessTokenGrants {
  /** The grant a JWT access token was issued under, while the token lives. */
  grantOf(jti: string): Promise<string | undefined>;
  /** extraTokenClaims that records jti -> grant for grant-bound access tokens, then adds `claims`. */
  recording(claims: ExtraTokenClaims): ExtraTokenClaims;
}

// Verification allows a little clock skew; the record outlives the token by more than that.
const marginSeconds = 120;

/**
 * JWT access tokens are not stored, so nothing ties one to its grant. Introspection needs that
 * tie to report a token inactive once its grant is revoked (RFC 7662 §2.2), so it is recorded,
 * before the token is handed out, for the token's lifetime.
 */
export function createAccessTokenGrants(storage: Storage): AccessTokenGrants {
  return {
    grantOf: (jti) => storage.getValue(valueNames.accessTokenGrant(jti)),
    recording(claims) {
      // Tokens without a grant (client credentials) go straight to `claims`, without a frame of their own.
      return (ctx, token) => {
        if (token.kind !== 'AccessToken' || !token.jti || !token.grantId) return claims(ctx, token);
        return storage.swapValue(valueNames.accessTokenGrant(token.jti), token.grantId, (token.expiration ?? 3600) + marginSeconds).then(() => claims(ctx, token));
      };
    },
  };
}
