import { grantTypes, type ClientRecord } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import { isResourceTokenId } from '../kernel/resource-token-format.ts';
import { tokenInForce, type ResourceTokenRecord } from './resource-token-record.ts';
import type { ResourceTokenStore } from './resource-token-store.ts';

/**
 * One token request asks for its client several times (authentication, resource policy, claims);
 * a second is short enough to call "at once" for a revocation made through another process,
 * and one made through this process forgets the token here immediately (`forget`).
 */
const viewMs = 1000;

export interface ResourceTokenClients extends ClientRegistry {
  /** Drops what this process remembers of a token, after a change to it. */
  forget(id: string): void;
}

/**
 * The client registry as the provider sees it: a resource token is a client (SPEC §15, "any
 * standard OAuth 2.0 library" with client credentials) whose `client_id` is the token's public
 * id (`tgrt_<id>`, the start of its value) and whose secret is the whole value, checked against
 * the stored keyed hashes by the one hashed-secret comparison. It may only use client
 * credentials, only for its resource, with its scopes and `max_priority`. A revoked or expired
 * token is not found: `invalid_client`, like an unknown client. The admin API keeps the plain
 * registry: tokens are not clients there.
 */
export function withResourceTokens(clients: ClientRegistry, store: ResourceTokenStore, securityEvents: SecurityEvents, onError: (error: unknown) => void): ResourceTokenClients {
  const viewed = new Map<string, { token: Promise<TokenClient | undefined>; until: number }>();

  function tokenClient(id: string): Promise<TokenClient | undefined> {
    const now = Date.now();
    const known = viewed.get(id);
    if (known && known.until > now) return known.token;
    const token = store.get(id).then((record) => (record && tokenInForce(record) ? { client: asClient(record), record } : undefined));
    viewed.set(id, { token, until: now + viewMs });
    token.catch(() => viewed.delete(id));
    if (viewed.size > 10_000) viewed.delete(viewed.keys().next().value as string);
    return token;
  }

  // A view kept for a second never outlives its token's expiry.
  const inForce = (token: TokenClient | undefined) => (token && Date.parse(token.record.expiresAt) > Date.now() ? token : undefined);

  return {
    ...clients,
    get: (clientId) => (isResourceTokenId(clientId) ? tokenClient(clientId).then((token) => inForce(token)?.client) : clients.get(clientId)),
    touch(clientId, ip) {
      if (!isResourceTokenId(clientId)) return clients.touch(clientId, ip);
      void tokenClient(clientId)
        .then(async (token) => {
          if (!token) return;
          if (await store.touch(clientId, ip, token.record.expiresAt)) {
            securityEvents.emit('resource_token.first_used', { clientId, tokenId: clientId, resource: token.record.resource, ip });
          }
        })
        .catch(onError);
    },
    forget: (id) => viewed.delete(id),
  };
}

interface TokenClient {
  client: ClientRecord;
  record: ResourceTokenRecord;
}

/** The token as a client record: client credentials only, for its one resource. */
function asClient(record: ResourceTokenRecord): ClientRecord {
  return {
    clientId: record.id,
    name: `resource token: ${record.description}`,
    description: record.description,
    grantTypes: [grantTypes.clientCredentials],
    authMethod: 'client_secret_basic',
    secrets: record.secrets,
    scopes: record.scopes,
    resources: [record.resource],
    defaultResource: record.resource,
    ...(record.maxPriority ? { maxPriority: record.maxPriority } : {}),
    disabled: false,
    createdAt: record.createdAt,
    updatedAt: record.rotatedAt ?? record.createdAt,
  };
}
