import { errors, type AdapterPayload } from 'oidc-provider';

import { usesClientSecret, type ClientAuthMethod, type ClientRecord, type GrantType, type SecretHash } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import { checkClient } from '../clients/client-rules.ts';
import { hashClientSecret } from '../clients/client-secret.ts';
import { newClientRecord } from '../clients/new-client-record.ts';
import { AppError } from '../errors.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { Storage } from '../storage/storage.ts';
import type { PendingRegistrations } from './pending-registrations.ts';
import { createInitialAccessTokenList, initialAccessTokenId } from './initial-access-token-list.ts';

export interface RegisteredClientsDeps {
  clients: ClientRegistry;
  resources: ResourceRegistry;
  storage: Storage;
  pending: PendingRegistrations;
  secretPepper: string | undefined;
}

/**
 * Where oidc-provider's registration endpoints (RFC 7591/7592) write clients: into our
 * registry, as ClientRecords whose secret exists only as a hash.
 */
export function createRegisteredClients({ clients, resources, storage, pending, secretPepper }: RegisteredClientsDeps) {
  async function upsert(clientId: string, metadata: AdapterPayload): Promise<void> {
    const existing = await clients.get(clientId);
    const registration = existing ? undefined : pending.take(clientId);
    if (existing && !existing.registered) throw new errors.InvalidClientMetadata('this client is managed by an administrator');
    if (!existing && !registration) throw new Error(`registration of ${clientId} reached the store without terms`);

    const grantTypes = (metadata.grant_types ?? []) as GrantType[];
    if (existing && grantTypes.some((grant) => !existing.grantTypes.includes(grant))) {
      throw new errors.InvalidClientMetadata(`grant_types must be among: ${existing.grantTypes.join(' ')}`);
    }
    const authMethod = (metadata.token_endpoint_auth_method ?? 'client_secret_basic') as ClientAuthMethod;
    const granted = registration?.terms ?? (existing as ClientRecord);
    const record = newClientRecord({
      clientId,
      name: typeof metadata.client_name === 'string' ? metadata.client_name : undefined,
      description: existing?.description ?? 'registered through RFC 7591',
      grantTypes,
      authMethod,
      secrets: secretsFor(metadata.client_secret, authMethod, existing),
      jwks: metadata.jwks as ClientRecord['jwks'],
      scopes: granted.scopes,
      resources: granted.resources,
      defaultResource: granted.defaultResource,
      maxPriority: granted.maxPriority,
      // An admin's setting, kept through the registrant's RFC 7592 updates.
      deviceCodeTtl: existing?.deviceCodeTtl,
      disabled: existing?.disabled,
      registered: true,
      createdAt: existing?.createdAt,
    });
    try {
      await checkClient(record, resources);
    } catch (error) {
      if (error instanceof AppError) throw new errors.InvalidClientMetadata(error.message);
      throw error;
    }

    if (existing) await clients.save(record);
    else if (!(await clients.create(record))) throw new errors.InvalidClientMetadata('client_id is taken');
    if (registration?.terms.singleUse) {
      await storage.modelAdapter('InitialAccessToken').destroy(registration.initialAccessTokenId);
      await createInitialAccessTokenList(storage).remove(initialAccessTokenId(registration.initialAccessTokenId));
    }
  }

  /** RFC 7592 §2.3: deleting a registration ends every grant of the client too. */
  async function destroy(clientId: string): Promise<void> {
    await storage.revokeGrantsOf({ kind: 'client', id: clientId });
    await clients.delete(clientId);
  }

  // oidc-provider hands back a freshly generated secret (new registration, or an update that
  // now needs one) or the stored hash it was given (see provider-metadata.ts).
  function secretsFor(presented: unknown, authMethod: ClientAuthMethod, existing: ClientRecord | undefined): SecretHash[] {
    if (!usesClientSecret(authMethod) || typeof presented !== 'string') return [];
    if (existing?.secrets.some((secret) => secret.hash === presented)) return existing.secrets;
    return [{ hash: hashClientSecret(presented, secretPepper) }];
  }

  return { upsert, destroy };
}
