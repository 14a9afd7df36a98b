import { z } from 'zod';

import type { ResourceServerRecord } from '../../resources/resource-server-record.ts';
import { adminResource } from '../../resources/resource-server-record.ts';
import { timestamp } from '../view-schemas.ts';

/** A resource server as the admin API shows it. */
export const resourceViewSchema = z
  .object({
    identifier: z.string(),
    name: z.string(),
    scopes: z.array(z.string()),
    access_token_ttl: z.number().int().nullable(),
    signing_alg: z.string(),
    built_in: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .strict();

export type ResourceView = z.infer<typeof resourceViewSchema>;

export function resourceView(record: ResourceServerRecord): ResourceView {
  return {
    identifier: record.identifier,
    name: record.name,
    scopes: record.scopes,
    access_token_ttl: record.accessTokenTtl ?? null,
    signing_alg: record.signingAlg,
    built_in: record.identifier === adminResource.identifier,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}
