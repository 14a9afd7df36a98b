import { valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { createTokenDigest } from '../storage/token-digest.ts';

/** Long enough to follow one redirect, on a slow connection. */
const keptSeconds = 300;
const taken = 'taken';

/**
 * A new or rotated resource token's value, from the form that made it to the page that shows it
 * once (POST, redirect, GET: a reload or the back button never posts the form again, so never
 * makes a second token). It waits in storage sealed under the session id, which storage never
 * holds (only its digest), so a dump of it shows no usable value; the page takes it, atomically,
 * and from then on it is gone.
 */
export function createIssuedValues(storage: Storage, pepper: string | undefined) {
  const sealing = createTokenDigest(pepper);
  return {
    async keep(sessionId: string, tokenId: string, value: string): Promise<void> {
      await storage.swapValue(valueNames.issuedValue(sessionId, tokenId), sealing.seal(sessionId, value), keptSeconds);
    },
    /** The value, the first time this session asks; undefined ever after. */
    async take(sessionId: string, tokenId: string): Promise<string | undefined> {
      const sealed = await storage.swapValue(valueNames.issuedValue(sessionId, tokenId), taken, keptSeconds);
      return sealed && sealed !== taken ? sealing.open(sessionId, sealed) : undefined;
    },
  };
}

export type IssuedValues = ReturnType<typeof createIssuedValues>;
