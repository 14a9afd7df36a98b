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
   * `token.save()` with the record written while the token is signed instead of before, for a
   * caller that answers itself: resolves with the token's value once both are done, so the
   * token is never handed out unrecorded.
   */
  saveRecorded(token: { save(): Promise<string> }): Promise<string>;
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
  // Tokens saved through saveRecorded: their record's write, once started, to be awaited after signing.
  const alongside = new WeakMap<object, Promise<unknown> | undefined>();

  return {
    async grantOf(jti, exp) {
      const known = remembered.get(jti);
      if (known && known.untilMs > Date.now()) return known.grantId;
      const grantId = await storage.getValue(valueNames.accessTokenGrant(jti));
      if (grantId && exp) remember(jti, grantId, exp - Math.floor(Date.now() / 1000) + marginSeconds);
      return grantId;
    },
    recording(claims) {
      // Tokens without a grant (client credentials) go straight to `claims`, without a frame of their own.
      return (ctx, token) => {
        if (token.kind !== 'AccessToken' || !token.jti || !token.grantId) return claims(ctx, token);
        const { jti, grantId } = token;
        const ttlSeconds = (token.expiration ?? 3600) + marginSeconds;
        const written = storage.swapValue(valueNames.accessTokenGrant(jti), grantId, ttlSeconds).then(() => remember(jti, grantId, ttlSeconds));
        if (!alongside.has(token)) return written.then(() => claims(ctx, token));
        alongside.set(token, written);
        written.catch(() => {}); // awaited by saveRecorded, after the signature
        return claims(ctx, token);
      };
    },
    async saveRecorded(token) {
      alongside.set(token, undefined);
      try {
        const value = await token.save();
        await alongside.get(token);
        return value;
      } finally {
        alongside.delete(token);
      }
    },
  };
}
