import { z } from 'zod';

import type { AccountRecord, LinkedIdentity } from '../../accounts/account-record.ts';
import type { UpstreamSettings } from '../../config/upstream-schema.ts';
import { effectiveMaxPriority } from '../../upstreams/priority-rules.ts';
import { maxPriorityView, timestamp } from '../view-schemas.ts';

/** A linked upstream identity as the admin API shows it: never its sealed credential. */
const identityViewSchema = z
  .object({
    upstream: z.string(),
    subject: z.string(),
    username: z.string().nullable(),
    email: z.string().nullable(),
    groups: z.array(z.string()),
    linked_at: timestamp,
    checked_at: timestamp,
  })
  .strict();

export type IdentityView = z.infer<typeof identityViewSchema>;

/** An account as the admin API shows it: never the password hash. */
export const accountViewSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    name: z.string().nullable(),
    email: z.string().nullable(),
    max_priority: maxPriorityView.describe('the map stored on the account (what PATCH sets)'),
    effective_max_priority: maxPriorityView.describe(
      'what its tokens carry: per queue, the highest of the stored map and every upstream priority rule its identities match',
    ),
    identities: z.array(identityViewSchema).describe('identities at upstream IdPs linked to this account'),
    disabled: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .strict();

export type AccountView = z.infer<typeof accountViewSchema>;

export function accountView(record: AccountRecord, upstreams: ReadonlyMap<string, UpstreamSettings>): AccountView {
  return {
    id: record.id,
    username: record.username,
    name: record.name ?? null,
    email: record.email ?? null,
    max_priority: record.maxPriority ?? null,
    effective_max_priority: effectiveMaxPriority(record, upstreams) ?? null,
    identities: (record.identities ?? []).map(identityView),
    disabled: record.disabled,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}

function identityView(identity: LinkedIdentity): IdentityView {
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
