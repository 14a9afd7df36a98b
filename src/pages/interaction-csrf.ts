import { createHmac, timingSafeEqual } from 'node:crypto';

export interface InteractionCsrf {
  /** The token a page puts in its forms for this interaction. */
  token(uid: string): string;
  verify(uid: string, presented: unknown): boolean;
}

/**
 * Anti-forgery tokens for our sign-in and confirm forms, on top of the SameSite=Lax
 * interaction cookie: an HMAC of the interaction uid under the cookie keys, so every process
 * that shares the keys accepts it and nothing needs storing. Any current key verifies
 * (rotation); the first one signs. The maintainers' token pages use the same with their own
 * `purpose` and their session id in place of the uid: a token of one never passes for the other.
 */
export function createInteractionCsrf(keys: readonly string[], purpose = 'interaction'): InteractionCsrf {
  const mac = (key: string, uid: string) => createHmac('sha256', key).update(`tollgate-${purpose}-csrf:${uid}`).digest();
  return {
    token: (uid) => mac(keys[0] as string, uid).toString('base64url'),
    verify(uid, presented) {
      if (typeof presented !== 'string' || presented.length > 128) return false;
      const given = Buffer.from(presented, 'base64url');
      return keys.some((key) => {
        const expected = mac(key, uid);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
    },
  };
}
