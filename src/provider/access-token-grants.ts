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
  /** The grant a JWT access token was issued under, while the token lives (until `exp`, seconds). */
  grantOf(jti: string, exp: number | undefined): Promise<string | undefined>;
  /** extraTokenClaims that records jti -> grant for grant-bound access tokens, then adds `claims`. */
  recording(claims: ExtraTokenClaims): ExtraTokenClaims;
  /**
   * Writes the tie of a token about to be issued under `grantId` (living at most until
   * `expiresAt`, seconds), alongside the reads that decide whether it will be: saving the token
   * then writes nothing more. A tie whose token is never issued names no token, and expires.
   */
  recordAhead(jti: string, grantId: string, expiresAt: number): Promise<void>;
}

// Verification allows a little clock skew; the record outlives the token by more than that.
const marginSeconds = 120;
// Ids come from verified tokens only; the bound keeps a flood of them from growing the map.
const maxRemembered = 50_000;

/**
 * JWT access tokens are not stored, so nothing ties one to its grant. Introspection needs that
 * tie to report a token inactive once its grant is revoked (RFC 7662 §2.2), so it is recorded,
 * before the token is handed out, for the token's lifetime. The tie never changes, so this
 * process also remembers the ties it wrote or read: a token exchanged again and again (and the
 * token a gateway just got, exchanged at the next hop) finds its grant without a round trip.
 * Whether that grant still stands is read every time.
 */
export function createAccessTokenGrants(storage: Storage): AccessTokenGrants {
  const remembered = new Map<string, { grantId: string; untilMs: number }>();
  const remember = (jti: string, grantId: string, ttlSeconds: number) => {
    remembered.set(jti, { grantId, untilMs: Date.now() + ttlSeconds * 1000 });
    if (remembered.size > maxRemembered) remembered.delete(remembered.keys().next().value as string);
  };
  const secondsUntil = (epochSeconds: number) => epochSeconds - Math.floor(Date.now() / 1000);

  return {
    async grantOf(jti, exp) {
      const known = remembered.get(jti);
      if (known && known.untilMs > Date.now()) return known.grantId;
      const grantId = await storage.getValue(valueNames.accessTokenGrant(jti));
      if (grantId && exp) remember(jti, grantId, secondsUntil(exp) + marginSeconds);
      return grantId;
    },
    recording(claims) {
      // Tokens without a grant (client credentials) go straight to `claims`, without a frame of their own.
      return (ctx, token) => {
        if (token.kind !== 'AccessToken' || !token.jti || !token.grantId) return claims(ctx, token);
        const { jti, grantId } = token;
        const ttlSeconds = (token.expiration ?? 3600) + marginSeconds;
        // Written ahead (recordAhead) for at least as long: TTLs are whole seconds, hence the second's slack.
        const known = remembered.get(jti);
        if (known?.grantId === grantId && known.untilMs + 1000 >= Date.now() + ttlSeconds * 1000) return claims(ctx, token);
        return storage.swapValue(valueNames.accessTokenGrant(jti), grantId, ttlSeconds).then(() => (remember(jti, grantId, ttlSeconds), claims(ctx, token)));
      };
    },
    async recordAhead(jti, grantId, expiresAt) {
      const ttlSeconds = secondsUntil(expiresAt) + marginSeconds;
      await storage.swapValue(valueNames.accessTokenGrant(jti), grantId, ttlSeconds);
      remember(jti, grantId, ttlSeconds);
    },
  };
}
