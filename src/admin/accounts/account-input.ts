import { z } from 'zod';

import { displayText, principalId, username } from '../../principals/identifiers.ts';
import { maxPrioritySchema } from '../../principals/max-priority.ts';

/** Long enough to resist guessing with the per-account rate limit, short enough for scrypt. */
export const password = z.string().min(8, 'must be at least 8 characters').max(1024);

export const accountChanges = z
  .object({
    username,
    name: displayText(200).nullable(),
    email: z.email().max(320).nullable(),
    max_priority: maxPrioritySchema.nullable(),
    disabled: z.boolean(),
  })
  .partial()
  .strict();

/** A new account (POST); the seed's account entries are this schema under camelCase names. */
export const newAccount = z
  .object({
    id: principalId.optional(),
    username,
    password,
    name: displayText(200).optional(),
    email: z.email().max(320).optional(),
    max_priority: maxPrioritySchema.optional(),
    disabled: z.boolean().default(false),
  })
  .strict();

export const passwordChange = z
  .object({
    password,
    /** Also end every login of the account (refresh tokens stop working). */
    revoke_grants: z.boolean().default(false),
  })
  .strict();
