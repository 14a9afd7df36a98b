import { grantTypes, type ClientRecord } from '../clients/client-record.ts';
import type { DerivedClientKind } from '../clients/derived-clients.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { credentialClient } from '../resource-tokens/credential-client.ts';
import { isPublisherId } from '../kernel/publisher-id.ts';
import { publisherIdentity } from './publisher-identity.ts';
import { publisherIssuerAllowed } from './publisher-policy.ts';
import { publisherOfResource, type TrustedPublisherRecord } from './publisher-record.ts';
import type { TrustedPublisherStore } from './publisher-store.ts';

/**
 * Trusted publishers as clients (clients/derived-clients.ts): a public client (no secret) whose
 * only grant is jwt-bearer (RFC 7523 §2.1) and whose one federated identity is the bound CI
 * identity, for its resource only, with its scopes and `max_priority`; the token's `sub` and
 * `client_id` are the publisher's id. A removed publisher is not found (`invalid_client`). The
 * resource is read from its cached registry, so a token request costs one store read.
 */
export function trustedPublisherClients(
  store: TrustedPublisherStore,
  resources: Pick<ResourceRegistry, 'get'>,
  securityEvents: SecurityEvents,
): DerivedClientKind {
  return {
    owns: isPublisherId,
    async find(id) {
      const record = await store.get(id);
      const resource = record && (await resources.get(record.resource));
      if (!record || !resource || !publisherOfResource(record, resource)) return undefined;
      return {
        client: asClient(record, publisherIssuerAllowed(resource, record.issuer)),
        async touch(ip) {
          if (await store.touch(id, ip))
            securityEvents.emit('trusted_publisher.first_used', { clientId: id, publisherId: id, resource: record.resource, issuer: record.issuer, ip });
        },
      };
    },
  };
}

function asClient(record: TrustedPublisherRecord, issuerAllowed: boolean): ClientRecord {
  return credentialClient(record, 'trusted publisher', {
    grantTypes: [grantTypes.jwtBearer],
    authMethod: 'none',
    secrets: [],
    // Once an admin takes the issuer off the resource's policy, its tokens prove nothing here.
    federatedIdentities: issuerAllowed ? [publisherIdentity(record)] : [],
  });
}
