import type { SecretHash } from '../clients/client-record.ts';
import type { MaxPriority } from '../principals/max-priority.ts';

/** Who did something to a resource token: a maintainer's account, an admin client, or a leak report. */
export interface TokenActor {
  kind: 'account' | 'admin' | 'report';
  id: string;
  /** The account's name as it was then, kept for when the account is gone. */
  name?: string;
}

/**
 * A resource token (SPEC §15): a long-lived credential for one resource server, made by a
 * maintainer and detached from them. Its secret exists only as keyed hashes, current first,
 * then a rotated one still inside its overlap.
 */
export interface ResourceTokenRecord {
  id: string;
  resource: string;
  description: string;
  scopes: string[];
  maxPriority?: MaxPriority;
  secrets: SecretHash[];
  createdBy: TokenActor;
  createdAt: string;
  expiresAt: string;
  rotatedAt?: string;
  revokedAt?: string;
  revokedBy?: TokenActor;
}

/** When and from where the token last got an access token. */
export interface TokenUse {
  at: string;
  ip: string | undefined;
}

export function tokenInForce(record: ResourceTokenRecord, now = Date.now()): boolean {
  return !record.revokedAt && Date.parse(record.expiresAt) > now;
}
