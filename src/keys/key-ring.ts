import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

import type { SigningAlg } from '../resources/resource-server-record.ts';
import { privateJwkMembers } from './private-jwk-members.ts';
import { publishedAt, signingKeyAt, type StoredKey } from './key-set-document.ts';

/** A stored key with its private half opened, ready to sign. */
export interface RingKey extends Omit<StoredKey, 'sealed'> {
  privateKey: KeyObject;
}

/**
 * This instance's view of the stored key set, replaced whole when a new version is read. What
 * signs and what is published are decided by the clock against the stored times, so every
 * instance switches to a scheduled key at its planned moment, whoever records the transition.
 */
export interface KeyRing {
  readonly version: number;
  readonly keys: readonly RingKey[];
  replace(keys: RingKey[], version: number): void;
  signing(alg: SigningAlg, now?: number): RingKey | undefined;
  published(now?: number): RingKey[];
  find(kid: string): RingKey | undefined;
}

export function createKeyRing(): KeyRing {
  let keys: RingKey[] = [];
  let byKid = new Map<string, RingKey>();
  let version = 0;
  return {
    get version() {
      return version;
    },
    get keys() {
      return keys;
    },
    replace(next, nextVersion) {
      keys = next;
      byKid = new Map(next.map((key) => [key.kid, key]));
      version = nextVersion;
    },
    signing: (alg, now = Date.now()) => signingKeyAt(keys as unknown as StoredKey[], alg, now) as RingKey | undefined,
    published: (now = Date.now()) => publishedAt(keys as unknown as StoredKey[], now) as unknown as RingKey[],
    find: (kid) => byKid.get(kid),
  };
}

/** A ring key from a stored key and its opened private JWK. */
export function ringKey(stored: StoredKey, privateJwk: JWK): RingKey {
  const { sealed: _sealed, ...rest } = stored;
  return { ...rest, privateKey: createPrivateKey({ key: privateJwk as JsonWebKey, format: 'jwk' }) };
}

/** The public half of a private JWK, as published (RFC 7517 §4.2 `use`, §4.4 `alg`). */
export function publicJwkOf(jwk: JWK, alg: SigningAlg): JWK {
  const members = Object.entries(jwk).filter(([name]) => !privateJwkMembers.includes(name));
  return { ...Object.fromEntries(members), use: 'sig', alg } as JWK;
}
