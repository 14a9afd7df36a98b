import type { AccountRecord, LinkedIdentity } from '../../accounts/account-record.ts';

/** An account as the admin API shows it: never the password hash. */
export function accountView(record: AccountRecord) {
  return {
    id: record.id,
    username: record.username,
    name: record.name ?? null,
    email: record.email ?? null,
    max_priority: record.maxPriority ?? null,
    identities: (record.identities ?? []).map(identityView),
    disabled: record.disabled,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

/** A linked upstream identity: never its sealed credential. */
export function identityView(identity: LinkedIdentity) {
  return {
    upstream: identity.upstream,
    subject: identity.subject,
    username: identity.username ?? null,
    email: identity.email ?? null,
    groups: identity.groups,
    linked_at: identity.linkedAt,
    checked_at: identity.checkedAt,
  };
}
