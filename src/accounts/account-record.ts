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
