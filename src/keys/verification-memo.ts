import type { JWTVerifyGetKey } from 'jose';

type VerificationKey = Awaited<ReturnType<JWTVerifyGetKey>>;
type KeyQuery = Parameters<JWTVerifyGetKey>;

interface Verified<T> {
  /** The key the token was verified with, and what selected it: asked again on every recall. */
  key: VerificationKey;
  query: KeyQuery;
  value: T;
  untilMs: number;
}

export interface VerificationMemo<T> {
  /**
   * `verify(getKey)` for a compact JWS, or what it returned for these exact bytes before, while
   * `getKey` still selects the very key that verified them and the token has not expired.
   * `expiresAt` (seconds) says how long a result may be recalled; undefined: not kept.
   */
  verify(token: string, getKey: JWTVerifyGetKey, verify: (getKey: JWTVerifyGetKey) => Promise<T>, expiresAt: (value: T) => number | undefined): Promise<T>;
}

/**
 * Remembers which tokens verified, so that a token presented again (a service exchanges the
 * person's token it holds once per downstream call; a workload presents its platform token
 * until it expires) costs a map lookup instead of a signature verification, the dearest step
 * of both grants (ES256 verification takes about three times the CPU of an ES256 signature).
 * Only a token that verified is kept, by its exact bytes. A recall asks `getKey` again, so a
 * key that left the set, rotated or was replaced at the issuer ends the recall at once, and so
 * does the token's `exp`; every check on the claims stays with the caller and runs each time.
 */
export function createVerificationMemo<T>(maxEntries = 10_000): VerificationMemo<T> {
  const verified = new Map<string, Verified<T>>();

  return {
    async verify(token, getKey, verify, expiresAt) {
      const known = verified.get(token);
      if (known) {
        verified.delete(token);
        // A key that cannot be had now fails the request as the verification would (jose passes getKey's errors on).
        if (known.untilMs > Date.now() && (await getKey(...known.query)) === known.key) {
          verified.set(token, known);
          return known.value;
        }
      }

      let selected: Pick<Verified<T>, 'key' | 'query'> | undefined;
      const value = await verify(async (...query) => {
        const key = await getKey(...query);
        selected = { key, query };
        return key;
      });
      const expires = expiresAt(value);
      if (selected && expires !== undefined) {
        verified.set(token, { ...selected, value, untilMs: expires * 1000 });
        if (verified.size > maxEntries) verified.delete(verified.keys().next().value as string);
      }
      return value;
    },
  };
}
