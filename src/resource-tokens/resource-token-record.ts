import type { SecretHash } from '../clients/client-record.ts';
import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';

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
  /** The resource server's `createdAt` when the token was made: which resource of that identifier it is for. */
  resourceCreatedAt?: string;
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

/**
 * Whether the token is one of this resource server's: made for its identifier, and not before
 * it was created, so a resource deleted and created again does not inherit the tokens of the
 * one before (a token made before the field was written is dated by its own creation).
 */
export function tokenOfResource(record: ResourceTokenRecord, resource: Pick<ResourceServerRecord, 'identifier' | 'createdAt'>): boolean {
  return record.resource === resource.identifier && Date.parse(record.resourceCreatedAt ?? record.createdAt) >= Date.parse(resource.createdAt);
}
