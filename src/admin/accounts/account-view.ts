import { z } from 'zod';

import type { AccountRecord } from '../../accounts/account-record.ts';
import { maxPriorityView, timestamp } from '../view-schemas.ts';

/** An account as the admin API shows it: never the password hash. */
export const accountViewSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    max_priority: maxPriorityView,
    disabled: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .strict();

export type AccountView = z.infer<typeof accountViewSchema>;

export function accountView(record: AccountRecord): AccountView {
  return {
    id: record.id,
    username: record.username,
    name: record.name ?? null,
    email: record.email ?? null,
    max_priority: record.maxPriority ?? null,
    disabled: record.disabled,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}
