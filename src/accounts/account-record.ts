import { invalidField } from '../errors.ts';
import { principalId } from '../principals/identifiers.ts';
import type { MaxPriority } from '../principals/max-priority.ts';

/** A person's identity at an upstream IdP, linked to their account: (upstream, subject) is unique. */
export interface LinkedIdentity {
  upstream: string;
  subject: string;
  username?: string;
  email?: string;
  /** Groups (or GitHub orgs and teams) as of the last sign-in or re-check. */
  groups: string[];
  /** The claims the upstream's priority rules read, as of the last sign-in or re-check. */
  claims?: Record<string, unknown>;
  linkedAt: string;
  /** When the upstream last confirmed the person (sign-in or re-check at refresh). */
  checkedAt: string;
  /** When a re-check first found the upstream unreachable, since the last check that reached it. */
  unreachableSince?: string;
  /** The upstream refresh token (or GitHub user token, with its refresh token for a GitHub App), sealed with TokenSealer; never shown. */
  sealedCredential?: string;
}

/**
 * A person. `id` is the token `sub`; the password exists only as an scrypt hash, or is empty for
 * an account that signs in only through an upstream.
 */
export interface AccountRecord {
  id: string;
  username: string;
  passwordHash: string;
  name?: string;
  email?: string;
  maxPriority?: MaxPriority;
  identities?: LinkedIdentity[];
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/**
 * The id (token `sub`) of an account made without one: its username, whether the seed, the CLI
 * or the admin API makes it, so the same person gets the same `sub` whichever way they were
 * added. A username that cannot be an id (principalId) needs an explicit one.
 */
export function defaultAccountId(username: string, field: string): string {
  if (!principalId.safeParse(username).success) throw invalidField(field, `the username "${username}" cannot serve as the account id; give an id`);
  return username;
}
