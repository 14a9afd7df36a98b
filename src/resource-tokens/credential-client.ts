import type { ClientRecord } from '../clients/client-record.ts';
import { oneResourceClient, type OneResourceClient } from '../clients/derived-clients.ts';
import type { ResourceCredential } from './resource-token-record.ts';

/** How a kind of credential proves itself as a client: its one grant, its method, its secrets or federated identity. */
type ClientProof = Pick<OneResourceClient, 'grantTypes' | 'authMethod' | 'secrets' | 'federatedIdentities'> & Partial<Pick<OneResourceClient, 'updatedAt'>>;

/**
 * A resource token or trusted publisher as a client record (clients/derived-clients.ts): named
 * after its kind and description, for its one resource with its scopes and `max_priority`.
 */
export function credentialClient(record: ResourceCredential, kind: string, proof: ClientProof): ClientRecord {
  return oneResourceClient({
    clientId: record.id,
    name: `${kind}: ${record.description}`,
    description: record.description,
    scopes: record.scopes,
    resource: record.resource,
    maxPriority: record.maxPriority,
    createdAt: record.createdAt,
    updatedAt: record.createdAt,
    ...proof,
  });
}
