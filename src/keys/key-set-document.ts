import type { JWK } from 'jose';

import type { SigningAlg } from '../resources/resource-server-record.ts';
import type { SealedKey } from './key-encryption.ts';

/** SPEC §16: next (published, not signing) → active (signing) → retired (published) → removed. */
export type KeyState = 'next' | 'active' | 'retired';

/** One key of the stored set; times are epoch milliseconds. */
export interface StoredKey {
  kid: string;
  alg: SigningAlg;
  state: KeyState;
  createdAt: number;
  /** When it signs: for `next` the planned moment, for `active` and `retired` when it did. */
  activatesAt: number;
  retiredAt?: number;
  /** When a retired key leaves the JWKS. */
  removesAt?: number;
  /** Where it came from: generated here, or imported from a JWKS file. */
  origin: 'generated' | 'imported';
  publicJwk: JWK;
  sealed: SealedKey;
}

export interface RevokedKey {
  kid: string;
  alg: SigningAlg;
  revokedAt: number;
}

/** The whole stored key set, written whole under the rotation lock. */
export interface KeySetDocument {
  keys: StoredKey[];
  /** The most recent revocations, for the record (kids only, no key material). */
  revoked: RevokedKey[];
}

export const emptyKeySet = (): KeySetDocument => ({ keys: [], revoked: [] });

export function parseKeySet(text: string): KeySetDocument {
  const parsed = JSON.parse(text) as Partial<KeySetDocument>;
  return { keys: parsed.keys ?? [], revoked: parsed.revoked ?? [] };
}

/**
 * The key that signs for `alg` at `now`: the next key once its moment has come (so every
 * instance switches at the planned time, whoever records the transition), else the active one.
 */
export function signingKeyAt(keys: readonly StoredKey[], alg: SigningAlg, now: number): StoredKey | undefined {
  const next = keys.find((key) => key.alg === alg && key.state === 'next');
  if (next && next.activatesAt <= now) return next;
  return keys.find((key) => key.alg === alg && key.state === 'active');
}

/** The keys in the JWKS at `now`: every key but the retired ones past their removal. */
export function publishedAt(keys: readonly StoredKey[], now: number): StoredKey[] {
  return keys.filter((key) => key.state !== 'retired' || (key.removesAt ?? 0) > now);
}
