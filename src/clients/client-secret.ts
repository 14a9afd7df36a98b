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
  const computed = scheme === 'hmac-sha256' && pepper ? hashClientSecret(presented, pepper) : scheme === 'sha256' ? hashClientSecret(presented, undefined) : undefined;
  if (!computed) return false;
  const a = Buffer.from(computed);
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The current secret has no end; a previous one works until its rotation overlap ends. */
export function secretInForce(secret: SecretHash, now = Date.now()): boolean {
  return !secret.expiresAt || Date.parse(secret.expiresAt) > now;
}

/** Whether `presented` is one of a client's secrets in force. */
export function acceptsClientSecret(secrets: readonly SecretHash[], presented: string, pepper: string | undefined): boolean {
  const now = Date.now();
  return secrets.some((secret) => secretInForce(secret, now) && clientSecretMatches(presented, secret.hash, pepper));
}

export const secretHashPattern = /^(sha256|hmac-sha256):[A-Za-z0-9_-]{43}$/;
