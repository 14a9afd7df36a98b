import { errors, type KoaContextWithOIDC, type Client, type ResourceServer } from 'oidc-provider';

import { grantTypes, type ClientRecord } from '../clients/client-record.ts';
import type { ClientRegistry } from '../clients/client-registry.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { SigningKeys } from '../keys/signing-keys.ts';
import { oidcScopes } from './identity-claims.ts';

// Scopes oidc-provider itself understands; they never end up in an access token for an API.
const providerScopes = new Set(oidcScopes);

export interface ResourceServerPolicyDeps {
  clients: ClientRegistry;
  resources: ResourceRegistry;
  signingKeys: SigningKeys;
  defaultAccessTokenTtl: number;
}

/**
 * RFC 8707 resource indicators: which APIs a client may get tokens for, with which scopes,
 * signed how. Clients that send `audience` (oidc-agent, Auth0-style SDKs) get the same result
 * as with `resource`; a client with a default resource may send neither.
 */
export function createResourceServerPolicy({ clients, resources, signingKeys, defaultAccessTokenTtl }: ResourceServerPolicyDeps) {
  async function defaultResource(ctx: KoaContextWithOIDC, client: Client, oneOf?: readonly string[]) {
    if (oneOf) return oneOf;
    const audience = (ctx.oidc.body as Record<string, unknown> | undefined)?.audience;
    if (typeof audience === 'string' && audience) return audience;
    const fallback = (await clients.get(client.clientId))?.defaultResource;
    // Without a resource oidc-provider would issue an opaque token; every token here is a JWT
    // for an API (RFC 9068), so a request that names none, for a client with no default, is refused.
    if (!fallback && asksForDefaultScopes(ctx)) {
      throw new errors.InvalidTarget('name the API with resource (or audience): this client has no default resource');
    }
    return fallback;
  }

  async function getResourceServerInfo(ctx: KoaContextWithOIDC, identifier: string, client: Client): Promise<ResourceServer> {
    const [server, record] = await Promise.all([resources.get(identifier), clients.get(client.clientId)]);
    if (!server || !record?.resources.includes(identifier)) {
      throw new errors.InvalidTarget('the resource is unknown or not allowed for this client');
    }
    const allowed = allowedScopes(record, server);
    const requested = ctx.oidc.params?.scope ? String(ctx.oidc.params.scope).split(' ').filter(Boolean) : [];
    const refused = requested.filter((scope) => !allowed.includes(scope) && !providerScopes.has(scope));
    if (refused.length > 0) throw new errors.InvalidScope('requested scope is not allowed', refused.join(' '));
    if (!requested.some((scope) => allowed.includes(scope)) && asksForDefaultScopes(ctx) && ctx.oidc.params) {
      // Naming none of the API's scopes (no `scope`, or only `openid profile` as the CLI sends)
      // asks for every scope the client holds on this resource.
      ctx.oidc.params.scope = [...requested, ...allowed].join(' ');
    }

    const kid = signingKeys.signingKid[server.signingAlg];
    if (!kid) throw new errors.InvalidTarget(`no ${server.signingAlg} signing key is configured for this resource`);
    return {
      scope: allowed.join(' '),
      audience: identifier,
      accessTokenTTL: server.accessTokenTtl ?? defaultAccessTokenTtl,
      accessTokenFormat: 'jwt',
      // Store mode names no kid: the key signing at the moment oidc-provider signs is the one (keys/ring-signing-key.ts).
      jwt: { sign: signingKeys.providerKeys ? { alg: server.signingAlg } : { alg: server.signingAlg, kid } },
    };
  }

  // Refresh and device-code exchanges reuse the resource the grant was given for.
  const useGrantedResource = async () => true;

  return { defaultResource, getResourceServerInfo, useGrantedResource };
}

export type ResourceServerPolicy = ReturnType<typeof createResourceServerPolicy>;

// The scopes a client holds on a resource server depend on the two records alone. Both are
// cached objects, replaced (not changed) when they change, so the answer is kept per pair.
const allowedByClient = new WeakMap<ClientRecord, WeakMap<ResourceServerRecord, readonly string[]>>();

function allowedScopes(record: ClientRecord, server: ResourceServerRecord): readonly string[] {
  let byServer = allowedByClient.get(record);
  if (!byServer) allowedByClient.set(record, (byServer = new WeakMap()));
  let allowed = byServer.get(server);
  if (!allowed) byServer.set(server, (allowed = Object.freeze(server.scopes.filter((scope) => record.scopes.includes(scope)))));
  return allowed;
}

// Grants at the token endpoint that start afresh (not from a grant that already has its scopes).
const grantsWithDefaultScopes = new Set<unknown>([grantTypes.clientCredentials, grantTypes.tokenExchange, grantTypes.jwtBearer]);

function asksForDefaultScopes(ctx: KoaContextWithOIDC): boolean {
  if (ctx.oidc.route === 'device_authorization') return true;
  return ctx.oidc.route === 'token' && grantsWithDefaultScopes.has(ctx.oidc.params?.grant_type);
}
