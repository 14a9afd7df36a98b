import { grantTypes, type ClientRecord } from '../clients/client-record.ts';
import { oneResourceClient, type DerivedClientKind } from '../clients/derived-clients.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { isResourceTokenId } from '../kernel/resource-token-format.ts';
import { tokenInForce, tokenOfResource, type ResourceTokenRecord } from './resource-token-record.ts';
import type { ResourceTokenStore } from './resource-token-store.ts';

/**
 * Resource tokens as clients (clients/derived-clients.ts): a resource token is a client (SPEC
 * §15, "any standard OAuth 2.0 library" with client credentials) whose `client_id` is the
 * token's public id (`tgrt_<id>`, the start of its value) and whose secret is the whole value,
 * checked against the stored keyed hashes by the one hashed-secret comparison. It may only use
 * client credentials, only for its resource, with its scopes and `max_priority`. A revoked or
 * expired token, or one whose resource server was deleted (even if one of that identifier was
 * created since), is not found: `invalid_client`, like an unknown client.
 */
export function resourceTokenClients(store: ResourceTokenStore, resources: ResourceRegistry, securityEvents: SecurityEvents): DerivedClientKind {
  return {
    owns: isResourceTokenId,
    async find(id) {
      const record = await store.get(id);
      if (!record || !tokenInForce(record)) return undefined;
      const resource = await resources.get(record.resource);
      if (!resource || !tokenOfResource(record, resource)) return undefined;
      return {
        client: asClient(record),
        until: Date.parse(record.expiresAt),
        async touch(ip) {
          if (await store.touch(id, ip, record.expiresAt)) {
            securityEvents.emit('resource_token.first_used', { clientId: id, tokenId: id, resource: record.resource, ip });
          }
        },
      };
    },
  };
}

/** The token as a client record: client credentials only, for its one resource. */
function asClient(record: ResourceTokenRecord): ClientRecord {
  return oneResourceClient({
    clientId: record.id,
    name: `resource token: ${record.description}`,
    description: record.description,
    grantTypes: [grantTypes.clientCredentials],
    authMethod: 'client_secret_basic',
    secrets: record.secrets,
    scopes: record.scopes,
    resource: record.resource,
    maxPriority: record.maxPriority,
    createdAt: record.createdAt,
    updatedAt: record.rotatedAt ?? record.createdAt,
  });
}
