import type { JWK } from 'jose';

import { AppError } from '../errors.ts';
import { algFor } from './signing-keys.ts';

/**
 * The three steps of a signing-key rotation as edits of the private JWKS; the first key of a
 * type signs (signing-keys.ts), the others are only published. README, "Rotating signing keys".
 */

export interface KeyRole {
  kid: string;
  alg: string;
  role: 'signing' | 'published';
}

export function describeKeys(keys: JWK[]): KeyRole[] {
  const seen = new Set<string>();
  return keys.map((jwk) => {
    const alg = algFor(jwk) ?? 'unknown';
    const role = seen.has(alg) ? 'published' : 'signing';
    seen.add(alg);
    return { kid: jwk.kid as string, alg, role };
  });
}

/** Step 1: publish a new key after the ones of its type, so it does not sign yet (unless it is the first). */
export function addKey(keys: JWK[], jwk: JWK): JWK[] {
  if (keys.some((existing) => existing.kid === jwk.kid)) throw new AppError('conflict', `kid "${jwk.kid}" is already in the JWKS`);
  return [...keys, jwk];
}

/** Step 2: the key signs from now on; the one it replaces stays published. */
export function promoteKey(keys: JWK[], kid: string): JWK[] {
  const target = find(keys, kid);
  const alg = algFor(target);
  const firstOfType = keys.findIndex((jwk) => algFor(jwk) === alg);
  const rest = keys.filter((jwk) => jwk !== target);
  return [...rest.slice(0, firstOfType), target, ...rest.slice(firstOfType)];
}

/** Step 3: remove a key that no longer signs, once every token it signed has expired. */
export function retireKey(keys: JWK[], kid: string): JWK[] {
  const target = find(keys, kid);
  if (describeKeys(keys).find((key) => key.kid === kid)?.role === 'signing') {
    throw new AppError('conflict', `"${kid}" is the ${algFor(target)} signing key; promote another ${algFor(target)} key first`);
  }
  return keys.filter((jwk) => jwk !== target);
}

function find(keys: JWK[], kid: string): JWK {
  const jwk = keys.find((candidate) => candidate.kid === kid);
  if (!jwk) throw new AppError('not_found', `no key with kid "${kid}" in the JWKS`);
  return jwk;
}
