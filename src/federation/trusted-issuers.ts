import type { JWTVerifyGetKey } from 'jose';

import { invalidField } from '../errors.ts';
import { createIssuerKeys, type IssuerKeysOptions } from './issuer-keys.ts';
import { keySourceOf, type KeySource, type TrustedIssuer } from './trusted-issuer.ts';

/** Where a trusted issuer was declared. */
export type IssuerOrigin = 'config' | 'seed';

export interface TrustedIssuerView {
  issuer: string;
  keys: KeySource;
  jwksUri: string | undefined;
  origin: IssuerOrigin;
}

/** The issuers whose tokens may stand in for client credentials, each with its key cache. */
export interface TrustedIssuers {
  list(): TrustedIssuerView[];
  has(issuer: string): boolean;
  /** The key resolver of a trusted issuer, or undefined for any other. */
  keysOf(issuer: string): JWTVerifyGetKey | undefined;
  /**
   * Adds the seed's issuers (they are declarative like the configuration's: removing one from
   * the seed removes the trust at the next start). `at` names the seed field in errors.
   */
  declare(entries: readonly TrustedIssuer[], origin: IssuerOrigin, at: string): void;
}

/**
 * Trusted issuers live in memory, built from the configuration file and the seed at every start,
 * never from storage: trust in a platform is deployment configuration, reviewed like the rest,
 * and nothing an admin API caller writes can add one.
 */
export function createTrustedIssuers(fromConfig: readonly TrustedIssuer[], keyOptions: IssuerKeysOptions = {}): TrustedIssuers {
  const issuers = new Map<string, { entry: TrustedIssuer; origin: IssuerOrigin; keys: JWTVerifyGetKey }>();

  const registry: TrustedIssuers = {
    list: () =>
      [...issuers.values()]
        .map(({ entry, origin }) => ({ issuer: entry.issuer, keys: keySourceOf(entry), jwksUri: entry.jwksUri, origin }))
        .sort((a, b) => a.issuer.localeCompare(b.issuer)),
    has: (issuer) => issuers.has(issuer),
    keysOf: (issuer) => issuers.get(issuer)?.keys,
    declare(entries, origin, at) {
      for (const [index, entry] of entries.entries()) {
        const existing = issuers.get(entry.issuer);
        if (existing) {
          // The same declaration again (a worker applying the seed twice) is no change.
          if (existing.origin === origin && JSON.stringify(existing.entry) === JSON.stringify(entry)) continue;
          throw invalidField(`${at}.${index}.issuer`, `${entry.issuer} is already trusted (${existing.origin})`);
        }
        issuers.set(entry.issuer, { entry, origin, keys: createIssuerKeys(entry, keyOptions) });
      }
    },
  };
  registry.declare(fromConfig, 'config', 'federation.trustedIssuers');
  return registry;
}
