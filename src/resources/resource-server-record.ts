import type { Maintainers, SelfServicePolicy } from './self-service-policy.ts';

export const signingAlgs = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlg = (typeof signingAlgs)[number];

/** An API tokens are issued for: its identifier is the token `aud`. */
export interface ResourceServerRecord {
  identifier: string;
  name: string;
  scopes: string[];
  /** Access-token lifetime in seconds; the configured default when absent. */
  accessTokenTtl?: number;
  signingAlg: SigningAlg;
  /** Who may manage its resource tokens and trusted publishers (SPEC §15). */
  maintainers?: Maintainers;
  /** What those maintainers may do; self-service is off when absent. */
  selfService?: SelfServicePolicy;
  createdAt: string;
  updatedAt: string;
}

/** The admin API is itself a resource server, built in and not editable. */
export const adminResource = {
  identifier: 'urn:tollgate:admin',
  scope: 'admin',
} as const;

/**
 * The maintainers' JSON API (SPEC §15), built in like the admin API: a person's token for it
 * comes from `tollgate login --resource urn:tollgate:self-service`. Like the admin API it is
 * one of tollgate's own audiences, never a token-exchange target (SPEC §14).
 */
export const selfServiceResource = {
  identifier: 'urn:tollgate:self-service',
  scope: 'self-service',
} as const;

/** tollgate's own audiences: built in, not editable, never exchange targets. */
export const builtInResourceIdentifiers: readonly string[] = [adminResource.identifier, selfServiceResource.identifier];
