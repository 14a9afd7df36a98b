import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { SecretHash } from './client-record.ts';

/**
 * Client secrets are generated here with 256 bits of entropy, so a fast keyed hash is the right
 * protection at rest (SPEC §3): a password hash would cost ~25 ms per token request for no gain.
 * Stored form: `sha256:<base64url>` or, with a server-side pepper, `hmac-sha256:<base64url>`.
 */
export function generateClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashClientSecret(secret: string, pepper: string | undefined): string {
  return pepper
    ? `hmac-sha256:${createHmac('sha256', pepper).update(secret).digest('base64url')}`
    : `sha256:${createHash('sha256').update(secret).digest('base64url')}`;
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function clientSecretMatches(presented: string, storedHash: string, pepper: string | undefined): boolean {
  const scheme = storedHash.slice(0, storedHash.indexOf(':'));
  // A hash kept from before the pepper was set still verifies, without it.
  const computed =
    scheme === 'hmac-sha256' && pepper ? hashClientSecret(presented, pepper) : scheme === 'sha256' ? hashClientSecret(presented, undefined) : undefined;
  if (!computed) return false;
  const a = Buffer.from(computed);
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The current secret has no end; a previous one works until its rotation overlap ends. */
export function secretInForce(secret: SecretHash, now = Date.now()): boolean {
  return !secret.expiresAt || Date.parse(secret.expiresAt) > now;
}

/**
 * Whether `presented` is one of a client's secrets in force, remembering the secret a client
 * last authenticated with, per secrets list. Under load the HMAC of a presented secret costs
 * 10-15 µs of the main thread (OpenSSL contends with the token signatures running on libuv's
 * pool): a few percent of a client-credentials token. The memory lives exactly as long as the
 * secrets list object, which belongs to a cached client record: the cache replaces it when it
 * re-reads the client (every clientCacheMs at most) and at once on a change made through this
 * process, so a rotated or removed secret stops matching as before. The matched secret's
 * overlap window is checked every time, the comparison is constant-time, and nothing is
 * stored or logged.
 */
export function rememberingSecretCheck(pepper: string | undefined): (secrets: readonly SecretHash[], presented: string) => boolean {
  const accepted = new WeakMap<readonly SecretHash[], { presented: Buffer; secret: SecretHash }>();
  return (secrets, presented) => {
    const now = Date.now();
    const presentedBytes = Buffer.from(presented);
    const known = accepted.get(secrets);
    if (known && secretInForce(known.secret, now) && known.presented.length === presentedBytes.length && timingSafeEqual(known.presented, presentedBytes)) {
      return true;
    }
    const secret = secrets.find((candidate) => secretInForce(candidate, now) && clientSecretMatches(presented, candidate.hash, pepper));
    if (secret) accepted.set(secrets, { presented: presentedBytes, secret });
    return secret !== undefined;
  };
}

/**
 * RFC 6749 §2.3.1 form-encodes the client id and secret before they go into a Basic header, so
 * a secret with `+`, `/` or `=` (e.g. from `openssl rand -base64`) fails with clients that do not
 * (curl -u). Secrets people choose are held to RFC 3986 §2.3 unreserved characters; generated
 * ones are base64url and always are.
 */
export const unreservedSecretPattern = /^[A-Za-z0-9\-._~]+$/;
export const unreservedSecretMessage =
  "may contain only letters, digits and - . _ ~ (RFC 3986 unreserved): Basic authentication form-encodes secrets (RFC 6749 §2.3.1), so +, / or = break clients such as curl -u; make one with `openssl rand -hex 32` (or `openssl rand -base64 32 | tr '+/' '-_' | tr -d '='`)";

export const secretHashPattern = /^(sha256|hmac-sha256):[A-Za-z0-9_-]{43}$/;
