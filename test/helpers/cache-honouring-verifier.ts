import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';

/**
 * A resource server's verifier that trusts its cached JWKS for exactly as long as the
 * Cache-Control max-age says and never refetches early, not even on an unknown kid: the strict
 * reading a "no verifier ever surprised" rotation must survive. Fetches rotate over `jwksUrls`
 * (several instances behind one name).
 */
export function createCacheHonouringVerifier(jwksUrls: string[]) {
  let held: { jwks: JSONWebKeySet; expiresAt: number } | undefined;
  let fetches = 0;
  async function keySet(): Promise<JSONWebKeySet> {
    if (held && Date.now() < held.expiresAt) return held.jwks;
    const url = jwksUrls[fetches % jwksUrls.length] as string;
    fetches += 1;
    const response = await fetch(url);
    const maxAge = Number(/max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '')?.[1] ?? 0);
    held = { jwks: (await response.json()) as JSONWebKeySet, expiresAt: Date.now() + maxAge * 1000 };
    return held.jwks;
  }
  return {
    get fetches() {
      return fetches;
    },
    /** Verifies the signature; throws (with the kid) when the held JWKS lacks the token's key. */
    async verify(token: string): Promise<{ kid: string }> {
      const { kid } = decodeProtectedHeader(token);
      const jwks = await keySet();
      if (!jwks.keys.some((key) => key.kid === kid)) throw new Error(`kid ${kid} is not in the JWKS held`);
      await compactVerify(token, createLocalJWKSet(jwks));
      return { kid: kid as string };
    },
  };
}
