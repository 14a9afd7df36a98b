import { invalidField } from '../errors.ts';
import { privateJwkMembers } from '../keys/signing-keys.ts';
import { isOwnAudience } from '../resources/own-audiences.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import { isResourceTokenId } from '../kernel/resource-token-format.ts';
import { isPublisherId } from '../kernel/publisher-id.ts';
import { checkFederatedIdentities } from './federated-identity-rules.ts';
import { grantTypes, usesClientSecret, type ClientRecord, type GrantType } from './client-record.ts';

/** How a surface names a field of the client record (snake_case in the API, camelCase in the seed). */
export type FieldNamer = (apiName: string) => string;

/**
 * The rules every client obeys however it was made (admin API, seed, registration); the
 * first broken one is reported by field.
 */
export async function checkClient(record: ClientRecord, resources: ResourceRegistry, field: FieldNamer = (name) => name): Promise<void> {
  checkGrantTypes(record.grantTypes, field);
  // Client ids of these shapes are resource tokens' and trusted publishers': one would shadow the other.
  if (isResourceTokenId(record.clientId)) throw invalidField(field('client_id'), 'tgrt_ followed by 12 letters or digits is reserved for resource tokens');
  if (isPublisherId(record.clientId)) throw invalidField(field('client_id'), 'tgtp_ followed by 12 letters or digits is reserved for trusted publishers');
  const grants = new Set(record.grantTypes);

  // SPEC §2: public clients only for device-flow CLIs; a service must prove who it is. A
  // jwt-bearer client proves it with its platform token at every request, so it may have no
  // secret either; without one, client_credentials would hand its tokens to anyone naming it.
  if (record.authMethod === 'none' && (grants.has(grantTypes.clientCredentials) || !(grants.has(grantTypes.deviceCode) || grants.has(grantTypes.jwtBearer)))) {
    throw invalidField(
      field('token_endpoint_auth_method'),
      '"none" (no secret) is only allowed for device-flow and jwt-bearer clients without client_credentials',
    );
  }
  checkFederatedIdentities(record, field);
  if (record.authMethod === 'private_key_jwt') {
    if (!record.jwks?.keys?.length) throw invalidField(field('jwks'), 'private_key_jwt needs the public keys the client signs with');
    record.jwks.keys.forEach((key, index) => {
      if (privateJwkMembers.some((member) => member in key))
        throw invalidField(`${field('jwks')}.keys.${index}`, 'must be a public key (it contains private key material)');
    });
  } else if (record.jwks) {
    throw invalidField(field('jwks'), 'only private_key_jwt clients have keys');
  }
  if (record.deviceCodeTtl !== undefined && !grants.has(grantTypes.deviceCode)) {
    throw invalidField(field('device_code_ttl'), 'only device_code clients have device codes');
  }
  if (usesClientSecret(record.authMethod) && record.secrets.length === 0) {
    throw invalidField(field('secret'), `${record.authMethod} needs a secret`);
  }

  await checkResourcesAndScopes(record, resources, field);
  await checkServes(record, resources, field);
}

/** A client's grant types, or the ones an initial access token lets a service register with. */
export function checkGrantTypes(grantList: readonly GrantType[], field: FieldNamer = (name) => name): void {
  const grants = new Set(grantList);
  if (grants.size === 0) throw invalidField(field('grant_types'), 'at least one grant type is needed');
  if (grants.size !== grantList.length) throw invalidField(field('grant_types'), 'lists a grant type twice');
  if (grants.has(grantTypes.refreshToken) && !grants.has(grantTypes.deviceCode)) {
    throw invalidField(field('grant_types'), 'refresh_token is only issued with the device_code grant');
  }
}

/** What an initial access token may let a service register itself with (RFC 7591). */
export function checkRegistrableGrantTypes(grantList: readonly GrantType[]): void {
  checkGrantTypes(grantList);
  // Registration metadata has no `serves`, so such a client could never be valid.
  if (grantList.includes(grantTypes.tokenExchange)) {
    throw invalidField('grant_types', 'token-exchange clients need serves, which only an administrator sets (POST /admin/clients)');
  }
  if (grantList.includes(grantTypes.jwtBearer)) {
    // Its federated identities are trust decisions; RFC 7591 metadata cannot carry them.
    throw invalidField('grant_types', 'jwt-bearer clients get their federated identities from an admin or the seed, not through registration');
  }
}

/**
 * RFC 8693 token exchange: only a client that proves who it is may act for a person, and it
 * must say which APIs it is, since it may only exchange tokens that were sent to them.
 */
async function checkServes(record: ClientRecord, resources: ResourceRegistry, field: FieldNamer): Promise<void> {
  const serves = record.serves ?? [];
  if (!record.grantTypes.includes(grantTypes.tokenExchange)) {
    if (serves.length > 0) throw invalidField(field('serves'), 'is only used with the token-exchange grant');
    return;
  }
  if (record.authMethod === 'none') throw invalidField(field('token_endpoint_auth_method'), 'the token-exchange grant is for confidential clients only');
  // SPEC §14: exchange must never turn a person's token for an API into one for tollgate itself.
  for (const [name, list] of [
    ['resources', record.resources],
    ['serves', serves],
  ] as const) {
    const index = list.findIndex(isOwnAudience);
    if (index >= 0)
      throw invalidField(`${field(name)}.${index}`, `${list[index]} is tollgate's own API: a token-exchange client may not have it among its ${name}`);
  }
  if (serves.length === 0) throw invalidField(field('serves'), 'the token-exchange grant needs the resource servers this client serves');
  for (const [index, identifier] of serves.entries()) {
    if (serves.indexOf(identifier) !== index) throw invalidField(`${field('serves')}.${index}`, 'listed twice');
    if (!(await resources.get(identifier))) throw invalidField(`${field('serves')}.${index}`, `no resource server "${identifier}"; create it first`);
  }
}

/** Every resource exists, the default is one of them, and every scope is defined by one of them. */
export async function checkResourcesAndScopes(
  record: Pick<ClientRecord, 'resources' | 'scopes' | 'defaultResource'>,
  resources: ResourceRegistry,
  field: FieldNamer = (name) => name,
): Promise<void> {
  const seenResources = new Set<string>();
  const definedScopes = new Set<string>();
  for (const [index, identifier] of record.resources.entries()) {
    if (seenResources.has(identifier)) throw invalidField(`${field('resources')}.${index}`, 'listed twice');
    seenResources.add(identifier);
    const server = await resources.get(identifier);
    if (!server) throw invalidField(`${field('resources')}.${index}`, `no resource server "${identifier}"; create it first`);
    for (const scope of server.scopes) definedScopes.add(scope);
  }
  if (record.defaultResource !== undefined && !seenResources.has(record.defaultResource)) {
    throw invalidField(field('default_resource'), "must be one of the client's resources");
  }
  for (const [index, scope] of record.scopes.entries()) {
    if (!definedScopes.has(scope)) throw invalidField(`${field('scopes')}.${index}`, `"${scope}" is not a scope of any of the client's resources`);
  }
}
