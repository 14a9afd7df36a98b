import { invalidField } from '../errors.ts';
import { principalId } from '../principals/identifiers.ts';
import type { MaxPriority } from '../principals/max-priority.ts';

/** A person. `id` is the token `sub`; the password exists only as an scrypt hash. */
export interface AccountRecord {
  id: string;
  username: string;
  passwordHash: string;
  name?: string;
  email?: string;
  maxPriority?: MaxPriority;
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
