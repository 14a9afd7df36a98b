import type { ResourceServerRecord } from '../../resources/resource-server-record.ts';
import { adminResource } from '../../resources/resource-server-record.ts';

/** A resource server as the admin API shows it. */
export function resourceView(record: ResourceServerRecord) {
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
