import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';

import type { SigningKeys } from './signing-keys.ts';
import { algFor } from './signing-keys.ts';
import { publicJwkOf } from './key-ring.ts';

/**
 * Answers jwks_uri with the public keys, `Cache-Control: public, max-age` (SPEC §16: no longer
 * than the time a next key is published before it signs) and an ETag of the body, so a
 * verifier revalidating with If-None-Match gets 304 (RFC 9110 §13.1.2). The body depends only
 * on the key set, so every instance sends the same ETag.
 */
export function createJwksResponse(signingKeys: SigningKeys, maxAgeSeconds: number): Middleware {
  let cached: { source: unknown; body: string; etag: string } | undefined;
  return async (ctx) => {
    const source = signingKeys.jwks.keys;
    if (cached?.source !== source) {
      const keys = source.map((jwk) => publicJwkOf(jwk, algFor(jwk) ?? 'ES256'));
      const body = JSON.stringify({ keys });
      cached = { source, body, etag: `"${createHash('sha256').update(body).digest('base64url')}"` };
    }
    ctx.set('Cache-Control', `public, max-age=${maxAgeSeconds}`);
    ctx.set('ETag', cached.etag);
    if (ctx.get('if-none-match') === cached.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'application/jwk-set+json; charset=utf-8';
    ctx.body = cached.body;
  };
}

/** Store mode keeps a check interval of margin: an instance may learn of a new next key that much later. */
export function jwksMaxAge(keys: { source: string; jwksMaxAge: number; publishAhead: number; checkIntervalMs: number }): number {
  if (keys.source === 'file') return keys.jwksMaxAge;
  return Math.max(0, Math.min(keys.jwksMaxAge, keys.publishAhead - Math.ceil(keys.checkIntervalMs / 1000)));
}
