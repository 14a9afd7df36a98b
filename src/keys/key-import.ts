import type { JWK } from 'jose';

import type { KeySchedule, Transition } from './key-lifecycle.ts';
import { sealPrivateKey } from './key-encryption.ts';
import { publicJwkOf } from './key-ring.ts';
import type { KeySetDocument, StoredKey } from './key-set-document.ts';
import { algFor } from './signing-keys.ts';

/**
 * Moves a file-mode JWKS into the store, so tokens it signed keep verifying: the key that signed
 * in the file (the first of its type) becomes active when the store has no active key of that
 * type; every other key is kept as retired, published for the retention period. Kids already
 * stored are left alone.
 */
export function importKeys(
  set: KeySetDocument,
  jwks: JWK[],
  now: number,
  schedule: KeySchedule,
  kek: Buffer,
): { set: KeySetDocument; transitions: Transition[] } | undefined {
  const keys = [...set.keys];
  const transitions: Transition[] = [];
  const signedInFile = new Set<string>();
  for (const jwk of jwks) {
    const alg = algFor(jwk);
    const kid = jwk.kid as string;
    if (!alg || keys.some((key) => key.kid === kid)) continue;
    const firstOfType = !signedInFile.has(alg);
    signedInFile.add(alg);
    const activates = firstOfType && !keys.some((key) => key.alg === alg && key.state === 'active');
    const stored: StoredKey = {
      kid,
      alg,
      state: activates ? 'active' : 'retired',
      createdAt: now,
      activatesAt: now,
      ...(activates ? {} : { retiredAt: now, removesAt: now + schedule.retentionMs }),
      origin: 'imported',
      publicJwk: publicJwkOf(jwk, alg),
      sealed: sealPrivateKey(kek, kid, jwk),
    };
    keys.push(stored);
    transitions.push({ kind: 'created', kid, alg });
    if (activates) transitions.push({ kind: 'activated', kid, alg });
  }
  return transitions.length > 0 ? { set: { ...set, keys }, transitions } : undefined;
}
