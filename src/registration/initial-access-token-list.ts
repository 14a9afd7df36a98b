import { collectionNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { sha256 } from '../storage/token-digest.ts';
import type { RegistrationTerms } from './registration-terms.ts';

/** An initial access token as admins see it: never the token itself. */
export interface IssuedInitialAccessToken {
  id: string;
  createdAt: string;
  expiresAt: string;
  terms: RegistrationTerms;
}

/**
 * The id an initial access token is listed and revoked by, and its terms are stored under: a
 * SHA-256 of the token (oidc-provider's opaque tokens are their own jti), so neither listing nor
 * a storage dump shows a usable token.
 */
export function initialAccessTokenId(jti: string): string {
  return sha256(jti);
}

/**
 * The issued initial access tokens, for admins to list and revoke. Entries live in a collection
 * (no TTL of their own): listing drops the expired ones, registration drops a spent single-use
 * one, revocation its own.
 */
export function createInitialAccessTokenList(storage: Storage) {
  const entries = storage.collection<IssuedInitialAccessToken>(collectionNames.initialAccessTokens);
  return {
    add: (entry: IssuedInitialAccessToken) => entries.put(entry.id, entry),
    get: (id: string) => entries.get(id),
    remove: (id: string) => entries.delete(id),
    async list(now = Date.now()): Promise<IssuedInitialAccessToken[]> {
      const all = await entries.list();
      const expired = all.filter((entry) => Date.parse(entry.expiresAt) <= now);
      await Promise.all(expired.map((entry) => entries.delete(entry.id)));
      return all.filter((entry) => Date.parse(entry.expiresAt) > now);
    },
  };
}
