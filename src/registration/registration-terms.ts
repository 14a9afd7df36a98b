import type { GrantType } from '../clients/client-record.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import { valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { initialAccessTokenId } from './initial-access-token-list.ts';

/**
 * What a client registering itself (RFC 7591) with one initial access token gets: the admin who
 * issued the token decided it. Registrants choose their name, auth method and keys; never their
 * resources, scopes or priorities.
 */
export interface RegistrationTerms {
  resources: string[];
  scopes: string[];
  grantTypes: GrantType[];
  defaultResource?: string;
  maxPriority?: MaxPriority;
  /** The initial access token is spent by its first successful registration. */
  singleUse: boolean;
}

export interface RegistrationTermsStore {
  save(tokenId: string, terms: RegistrationTerms, ttlSeconds: number): Promise<void>;
  load(tokenId: string): Promise<RegistrationTerms | undefined>;
  /** By listing id: the token registers nothing from now on (the policy refuses a token without terms). */
  revoke(listingId: string, ttlSeconds: number): Promise<void>;
}

const revoked = 'revoked';

/** Terms live beside their initial access token (named by its hash), with the same TTL. */
export function createRegistrationTermsStore(storage: Storage): RegistrationTermsStore {
  return {
    async save(tokenId, terms, ttlSeconds) {
      await storage.swapValue(valueNames.registrationTerms(initialAccessTokenId(tokenId)), JSON.stringify(terms), ttlSeconds);
    },
    async load(tokenId) {
      const text =
        (await storage.getValue(valueNames.registrationTerms(initialAccessTokenId(tokenId)))) ??
        (await storage.getValue(valueNames.legacyRegistrationTerms(tokenId)));
      return text && text !== revoked ? (JSON.parse(text) as RegistrationTerms) : undefined;
    },
    async revoke(listingId, ttlSeconds) {
      await storage.swapValue(valueNames.registrationTerms(listingId), revoked, Math.max(1, ttlSeconds));
    },
  };
}
