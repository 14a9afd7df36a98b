import { createCipheriv, createDecipheriv, createHash, createHmac, createSecretKey } from 'node:crypto';

import { randomPoolBytes } from '../kernel/random-pool.ts';

/**
 * What Redis holds in place of a credential (refresh token, device code, user code, initial and
 * registration access token, session and interaction id): its digest as a key name or index
 * member, and anything stored under it sealed with a key derived from the credential. A dump
 * holds no usable credential, and nothing a credential stored under it; whoever presents the
 * credential finds and opens its record.
 */
export interface TokenDigest {
  /** HMAC-SHA-256 of the credential under the server-side pepper, or plain SHA-256 without one. */
  name(credential: string): string;
  /** AES-256-GCM of `text` under a key derived from the credential (never equal to its name). */
  seal(credential: string, text: string): string;
  /** The text sealed under this credential; undefined when another credential sealed it. */
  open(credential: string, sealed: string): string | undefined;
}

const ivBytes = 12;
const tagBytes = 16;

export function createTokenDigest(pepper: string | undefined): TokenDigest {
  // Keys are handed to node:crypto as KeyObjects: given a Buffer, createCipheriv spends about
  // 12 µs preparing it (Node 24), six times what the AES-GCM of a token's payload costs.
  const pepperKey = pepper ? createSecretKey(Buffer.from(pepper)) : undefined;
  // The sealing key is derived under a label, so it differs from the name even without a pepper.
  const sealingKey = (credential: string) =>
    createSecretKey(
      createHmac('sha256', pepperKey ?? '')
        .update(`seal\0${credential}`)
        .digest(),
    );
  return {
    name: (credential) => (pepperKey ? createHmac('sha256', pepperKey) : createHash('sha256')).update(credential).digest('base64url'),
    seal(credential, text) {
      const iv = randomPoolBytes(ivBytes);
      const cipher = createCipheriv('aes-256-gcm', sealingKey(credential), iv);
      const sealed = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
    },
    open(credential, sealed) {
      const bytes = Buffer.from(sealed, 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', sealingKey(credential), bytes.subarray(0, ivBytes));
        decipher.setAuthTag(bytes.subarray(ivBytes, ivBytes + tagBytes));
        return Buffer.concat([decipher.update(bytes.subarray(ivBytes + tagBytes)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** Plain SHA-256, for names of short-lived values derived from a high-entropy credential. */
export const sha256 = (credential: string) => createHash('sha256').update(credential).digest('base64url');
