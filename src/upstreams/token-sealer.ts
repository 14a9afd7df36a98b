import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** Encrypts what tollgate must keep but never show: upstream refresh tokens, PKCE verifiers, nonces. */
export interface TokenSealer {
  seal(plaintext: string): string;
  /** The plaintext, or undefined when no current key opens it (rotated away, or tampered with). */
  open(sealed: string): string | undefined;
}

/**
 * AES-256-GCM under keys derived (HKDF-SHA-256) from the cookie keys, so every process that
 * shares them can open what another sealed; the first key seals, any current key opens.
 */
export function createTokenSealer(secrets: readonly string[]): TokenSealer {
  const keys = secrets.map((secret) => Buffer.from(hkdfSync('sha256', secret, 'tollgate', 'tollgate upstream token sealing v1', 32)));
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys[0] as Buffer, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || body === undefined || !tag) return undefined;
      for (const key of keys) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
          decipher.setAuthTag(Buffer.from(tag, 'base64url'));
          return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
        } catch {
          // Not this key: try the next one.
        }
      }
      return undefined;
    },
  };
}
