import type { AccountRecord } from '../../accounts/account-record.ts';

/** An account as the admin API shows it: never the password hash. */
export function accountView(record: AccountRecord) {
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
