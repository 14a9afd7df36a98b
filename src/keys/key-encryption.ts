import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JWK } from 'jose';

import type { Config } from '../config/schema.ts';
import { AppError, invalidConfig } from '../errors.ts';

/** A private JWK sealed with AES-256-GCM; each part base64url. */
export interface SealedKey {
  iv: string;
  tag: string;
  data: string;
}

const makeKekHint = 'make one with: openssl rand -base64 32 (keep it in your secret store, not beside the Redis backups)';

/**
 * The key-encryption key of store mode: 32 bytes, base64 or base64url, from
 * keys.encryptionKey (TOLLGATE_KEY_ENCRYPTION_KEY) or the file keys.encryptionKeyFile names.
 */
export function loadKeyEncryptionKey(keys: Config['keys']): Buffer {
  let text = keys.encryptionKey;
  let setting = 'keys.encryptionKey (TOLLGATE_KEY_ENCRYPTION_KEY)';
  if (keys.encryptionKeyFile) {
    setting = 'keys.encryptionKeyFile (TOLLGATE_KEY_ENCRYPTION_KEY_FILE)';
    try {
      text = readFileSync(keys.encryptionKeyFile, 'utf8');
    } catch (cause) {
      throw invalidConfig(`${setting}: cannot read ${keys.encryptionKeyFile}: ${(cause as Error).message}`);
    }
  }
  if (!text)
    throw invalidConfig(`keys.source "store" needs a key-encryption key in TOLLGATE_KEY_ENCRYPTION_KEY or TOLLGATE_KEY_ENCRYPTION_KEY_FILE; ${makeKekHint}`);
  const key = Buffer.from(text.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) throw invalidConfig(`${setting}: must be 32 bytes in base64 (got ${key.length}); ${makeKekHint}`);
  return key;
}

/** Seals a private JWK; the kid is the additional data, so a sealed key moved under another kid does not open. */
export function sealPrivateKey(kek: Buffer, kid: string, jwk: JWK): SealedKey {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv).setAAD(Buffer.from(kid));
  const data = Buffer.concat([cipher.update(JSON.stringify(jwk)), cipher.final()]);
  return { iv: iv.toString('base64url'), tag: cipher.getAuthTag().toString('base64url'), data: data.toString('base64url') };
}

/** Opens a sealed key; a wrong key-encryption key (or a tampered record) is an `invalid_keys` error naming the kid. */
export function openPrivateKey(kek: Buffer, kid: string, sealed: SealedKey): JWK {
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(sealed.iv, 'base64url')).setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64url'));
    return JSON.parse(Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64url')), decipher.final()]).toString()) as JWK;
  } catch {
    throw new AppError(
      'invalid_keys',
      `the key-encryption key (TOLLGATE_KEY_ENCRYPTION_KEY) does not open signing key "${kid}" in the store: it is not the key the store's keys were sealed with. Nothing was changed; start with the right key.`,
    );
  }
}
