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
    const held = clients.peek(client.clientId);
    const fallback = (held ? held.value : await clients.get(client.clientId))?.defaultResource;
    // Without a resource oidc-provider would issue an opaque token; every token here is a JWT
    // for an API (RFC 9068), so a request that names none, for a client with no default, is refused.
    if (!fallback && asksForDefaultScopes(ctx)) {
      throw new errors.InvalidTarget('name the API with resource (or audience): this client has no default resource');
    }
    return fallback;
  }

  async function getResourceServerInfo(ctx: KoaContextWithOIDC, identifier: string, client: Client): Promise<ResourceServer> {
    // Both records are held by this process nearly always (and oidc-provider asks twice per
    // token): read at once, else both at the same time.
    const heldServer = resources.peek(identifier);
    const heldRecord = clients.peek(client.clientId);
    const [server, record] =
      heldServer && heldRecord
        ? [heldServer.value, heldRecord.value]
        : await Promise.all([heldServer ? heldServer.value : resources.get(identifier), heldRecord ? heldRecord.value : clients.get(client.clientId)]);
    if (!server || !record?.resources.includes(identifier)) {
      throw new errors.InvalidTarget('the resource is unknown or not allowed for this client');
    }
    const scopes = scopesOn(record, server);
    const checked = checkScopes(scopes, ctx.oidc.params?.scope ? String(ctx.oidc.params.scope) : '');
    if (checked.refused) throw new errors.InvalidScope('requested scope is not allowed', checked.refused);
    if (checked.namesNone && asksForDefaultScopes(ctx) && ctx.oidc.params) {
      // Naming none of the API's scopes (no `scope`, or only `openid profile` as the CLI sends)
      // asks for every scope the client holds on this resource.
      ctx.oidc.params.scope = [...checked.requested, ...scopes.allowed].join(' ');
    }

    const kid = signingKeys.signingKid[server.signingAlg];
    if (!kid) throw new errors.InvalidTarget(`no ${server.signingAlg} signing key is configured for this resource`);
    return {
      scope: scopes.text,
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

interface ScopesOnServer {
  /** The scopes a client holds on a resource server, in the server's order. */
  readonly allowed: readonly string[];
  /** The same as one scope parameter. */
  readonly text: string;
  /** What each scope parameter a request sent asks for here (bounded: parameters come from clients). */
  readonly checked: Map<string, ScopeCheck>;
}

interface ScopeCheck {
  /** The parameter's scopes, in order. */
  readonly requested: readonly string[];
  /** Those neither held here nor oidc-provider's own, space-separated; '' when none. */
  readonly refused: string;
  /** Whether it names none of the scopes held here. */
  readonly namesNone: boolean;
}

const maxCheckedParameters = 32;

// The scopes a client holds on a resource server depend on the two records alone. Both are
// cached objects, replaced (not changed) when they change, so the answer is kept per pair, with
// the check of each scope parameter against it (issue 24: splitting, filtering and joining on
// every token request, twice).
const scopesByClient = new WeakMap<ClientRecord, WeakMap<ResourceServerRecord, ScopesOnServer>>();

function scopesOn(record: ClientRecord, server: ResourceServerRecord): ScopesOnServer {
  let byServer = scopesByClient.get(record);
  if (!byServer) scopesByClient.set(record, (byServer = new WeakMap()));
  let scopes = byServer.get(server);
  if (!scopes) {
    const allowed = Object.freeze(server.scopes.filter((scope) => record.scopes.includes(scope)));
    byServer.set(server, (scopes = { allowed, text: allowed.join(' '), checked: new Map() }));
  }
  return scopes;
}

function checkScopes(scopes: ScopesOnServer, parameter: string): ScopeCheck {
  let checked = scopes.checked.get(parameter);
  if (!checked) {
    const requested = Object.freeze(parameter.split(' ').filter(Boolean));
    checked = {
      requested,
      refused: requested.filter((scope) => !scopes.allowed.includes(scope) && !providerScopes.has(scope)).join(' '),
      namesNone: !requested.some((scope) => scopes.allowed.includes(scope)),
    };
    if (scopes.checked.size >= maxCheckedParameters) scopes.checked.clear();
    scopes.checked.set(parameter, checked);
  }
  return checked;
}

// Grants at the token endpoint that start afresh (not from a grant that already has its scopes).
const grantsWithDefaultScopes = new Set<unknown>([grantTypes.clientCredentials, grantTypes.tokenExchange, grantTypes.jwtBearer]);

function asksForDefaultScopes(ctx: KoaContextWithOIDC): boolean {
  if (ctx.oidc.route === 'device_authorization') return true;
  return ctx.oidc.route === 'token' && grantsWithDefaultScopes.has(ctx.oidc.params?.grant_type);
}
