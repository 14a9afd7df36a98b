import { z } from 'zod';

import type { ResourceServerRecord } from '../../resources/resource-server-record.ts';
import { builtInResourceIdentifiers } from '../../resources/resource-server-record.ts';
import { noMaintainers, noSelfService } from '../../resources/self-service-policy.ts';
import { maxPriorityView, timestamp } from '../view-schemas.ts';

const maintainersView = z
  .object({
    accounts: z.array(z.string()),
    groups: z.array(z.object({ upstream: z.string(), group: z.string() }).strict()),
  })
  .strict();

/** A resource server as the admin API shows it. */
export const resourceViewSchema = z
  .object({
    identifier: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    access_token_ttl: z.number().int().nullable(),
    signing_alg: z.string(),
    built_in: z.boolean(),
    maintainers: maintainersView,
    self_service: z.boolean(),
    self_service_scopes: z.array(z.string()).nullable().describe('null: every scope of the resource'),
    self_service_max_priority: maxPriorityView,
    self_service_max_lifetime_days: z.number().int(),
    trusted_publisher_issuers: z.array(z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .strict();

export type ResourceView = z.infer<typeof resourceViewSchema>;

export function resourceView(record: ResourceServerRecord): ResourceView {
  const policy = record.selfService ?? noSelfService;
  const maintainers = record.maintainers ?? noMaintainers;
  return {
    identifier: record.identifier,
    name: record.name,
    scopes: record.scopes,
    access_token_ttl: record.accessTokenTtl ?? null,
    signing_alg: record.signingAlg,
    built_in: builtInResourceIdentifiers.includes(record.identifier),
    maintainers: { accounts: maintainers.accounts, groups: maintainers.groups.map(({ upstream, group }) => ({ upstream, group })) },
    self_service: policy.enabled,
    self_service_scopes: policy.scopes ?? null,
    self_service_max_priority: policy.maxPriority ?? null,
    self_service_max_lifetime_days: policy.maxLifetimeDays,
    trusted_publisher_issuers: policy.publisherIssuers,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}
