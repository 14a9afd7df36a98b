import type { AccessToken, IssuedToken } from './token-endpoint-client.ts';

/** One cached token that fetches its successor ahead of expiry, one request at a time. */
export interface RefreshingToken {
  getToken(): Promise<AccessToken>;
  invalidate(): void;
  /** True when there is no token left to hand out and no request in flight: safe to forget. */
  idle(now?: number): boolean;
}

interface CachedToken {
  token: AccessToken;
  /** From here on a new token is fetched in the background while this one is still handed out. */
  refreshAt: number;
  /** From here on this token is too close to expiry to hand out. */
  unusableAt: number;
}

/**
 * Caches what `fetchToken` returns. After `refreshAfter` of a token's lifetime the next one is
 * fetched in the background, so callers rarely wait; however many callers ask at once, one
 * request is in flight (single flight).
 */
export function createRefreshingToken(fetchToken: () => Promise<IssuedToken>, refreshAfter: number): RefreshingToken {
  let cached: CachedToken | undefined;
  let inflight: Promise<CachedToken> | undefined;

  function refresh(): Promise<CachedToken> {
    inflight ??= fetchToken().then(
      ({ token, requestedAt, lifetimeMs }) => {
        cached = { token, refreshAt: requestedAt + lifetimeMs * refreshAfter, unusableAt: token.expiresAt - Math.min(5000, lifetimeMs / 10) };
        inflight = undefined;
        return cached;
      },
      (error: unknown) => {
        inflight = undefined;
        throw error;
      },
    );
    return inflight;
  }

  return {
    async getToken() {
      const now = Date.now();
      const current = cached;
      if (current && now < current.unusableAt) {
        if (now >= current.refreshAt && !inflight) refresh().catch(() => {}); // a failure shows on a later call
        return current.token;
      }
      return (await refresh()).token;
    },
    invalidate() {
      cached = undefined;
    },
    idle(now = Date.now()) {
      return !inflight && (!cached || now >= cached.unusableAt);
    },
  };
}

/** `refreshAfter` checked, with its default. */
export function refreshFraction(refreshAfter = 0.8): number {
  if (!(refreshAfter > 0 && refreshAfter < 1)) throw new TypeError('refreshAfter must be between 0 and 1');
  return refreshAfter;
}
