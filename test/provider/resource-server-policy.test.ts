import test from 'ava';
import type { Client, KoaContextWithOIDC } from 'oidc-provider';

import { grantTypes } from '../../src/clients/client-record.ts';
import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { newClientRecord } from '../../src/clients/new-client-record.ts';
import { createResourceServerPolicy } from '../../src/provider/resource-server-policy.ts';
import { createResourceRegistry } from '../../src/resources/resource-registry.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

const createdAt = '2026-12-07T12:00:00.000Z';

async function policy(cacheMs = 0) {
  const storage = createMemoryStorage();
  const clients = createClientRegistry(storage, cacheMs, () => {});
  const resources = createResourceRegistry(storage, cacheMs);
  await resources.save({
    identifier: 'urn:api',
    name: 'API',
    scopes: ['read', 'write', 'admin'],
    signingAlg: 'ES256',
    accessTokenTtl: 120,
    createdAt,
    updatedAt: createdAt,
  });
  await resources.save({ identifier: 'urn:rsa-api', name: 'RSA API', scopes: ['read'], signingAlg: 'RS256', createdAt, updatedAt: createdAt });
  await resources.save({ identifier: 'urn:default-ttl', name: 'Default TTL', scopes: ['read'], signingAlg: 'ES256', createdAt, updatedAt: createdAt });
  await resources.save({ identifier: 'urn:elsewhere', name: 'Elsewhere', scopes: ['read'], signingAlg: 'ES256', createdAt, updatedAt: createdAt });
  const service = { grantTypes: [grantTypes.clientCredentials], authMethod: 'client_secret_basic' as const, secrets: [{ hash: 'sha256:x' }] };
  await clients.save(
    newClientRecord({
      clientId: 'svc',
      ...service,
      scopes: ['read', 'write'],
      resources: ['urn:api', 'urn:rsa-api', 'urn:default-ttl'],
      defaultResource: 'urn:api',
    }),
  );
  await clients.save(newClientRecord({ clientId: 'bare', ...service, scopes: ['read'], resources: ['urn:api'] }));
  const signingKeys = { jwks: { keys: [] }, signingKid: { ES256: 'es-kid' }, ephemeral: true };
  return Object.assign(createResourceServerPolicy({ clients, resources, signingKeys, defaultAccessTokenTtl: 600 }), { clients });
}

const client = (clientId: string) => ({ clientId }) as Client;
function tokenRequest(params: Record<string, string>, body: Record<string, unknown> = {}) {
  return { oidc: { route: 'token', params: { grant_type: grantTypes.clientCredentials, ...params }, body } } as unknown as KoaContextWithOIDC & {
    oidc: { params: Record<string, string> };
  };
}

test('an allowed resource gets a JWT for its audience, with its lifetime and signing key, and the scopes both records share', async (t) => {
  const rs = await policy();
  const ctx = tokenRequest({ scope: 'read' });
  t.deepEqual(await rs.getResourceServerInfo(ctx, 'urn:api', client('svc')), {
    scope: 'read write',
    audience: 'urn:api',
    accessTokenTTL: 120,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'ES256', kid: 'es-kid' } },
  });
  t.is(ctx.oidc.params.scope, 'read', 'the scopes asked for stand');
});

test("naming none of the API's scopes asks for every scope the client holds there", async (t) => {
  const rs = await policy();
  const ctx = tokenRequest({ scope: 'openid profile' });
  await rs.getResourceServerInfo(ctx, 'urn:api', client('svc'));
  t.is(ctx.oidc.params.scope, 'openid profile read write');
});

test("a resource that is unknown or not the client's is refused with invalid_target", async (t) => {
  const rs = await policy();
  await t.throwsAsync(rs.getResourceServerInfo(tokenRequest({}), 'urn:nowhere', client('svc')), { name: 'InvalidTarget' });
  await t.throwsAsync(rs.getResourceServerInfo(tokenRequest({}), 'urn:elsewhere', client('svc')), { name: 'InvalidTarget' });
  await t.throwsAsync(rs.getResourceServerInfo(tokenRequest({}), 'urn:api', client('nobody')), { name: 'InvalidTarget' });
});

test('a scope the client does not hold on the resource is refused with invalid_scope naming it', async (t) => {
  const rs = await policy();
  const error = await t.throwsAsync(rs.getResourceServerInfo(tokenRequest({ scope: 'read admin' }), 'urn:api', client('svc')), { name: 'InvalidScope' });
  t.is((error as Error & { scope?: string }).scope, 'admin');
});

test('a resource signed with an algorithm no key is configured for is refused rather than signed otherwise', async (t) => {
  const rs = await policy();
  await t.throwsAsync(rs.getResourceServerInfo(tokenRequest({}), 'urn:rsa-api', client('svc')), { name: 'InvalidTarget', message: /invalid_target/ });
});

test('the resource defaults to audience, then the client default, and a client with neither is refused', async (t) => {
  const rs = await policy();
  t.deepEqual(await rs.defaultResource(tokenRequest({}), client('svc'), ['urn:rsa-api']), ['urn:rsa-api']);
  t.is(await rs.defaultResource(tokenRequest({}, { audience: 'urn:elsewhere' }), client('svc')), 'urn:elsewhere');
  t.is(await rs.defaultResource(tokenRequest({}), client('svc')), 'urn:api');
  await t.throwsAsync(rs.defaultResource(tokenRequest({}), client('bare')), { name: 'InvalidTarget' });
  const refresh = tokenRequest({ grant_type: grantTypes.refreshToken });
  t.is(await rs.defaultResource(refresh, client('bare')), undefined, "a refresh reuses its grant's resource");
});

test('the access token lifetime falls back to the configured default', async (t) => {
  const rs = await policy();
  const info = await rs.getResourceServerInfo(tokenRequest({}), 'urn:default-ttl', client('svc'));
  t.is(info.accessTokenTTL, 600);
});

test('with the records cached, each scope parameter is checked on its own, and a changed client shows at once', async (t) => {
  const rs = await policy(60_000);
  for (let round = 0; round < 2; round++) {
    t.is((await rs.getResourceServerInfo(tokenRequest({ scope: 'read' }), 'urn:api', client('svc'))).scope, 'read write', `round ${round}`);
    const refused = await t.throwsAsync(rs.getResourceServerInfo(tokenRequest({ scope: 'read admin' }), 'urn:api', client('svc')), { name: 'InvalidScope' });
    t.is((refused as Error & { scope?: string }).scope, 'admin', `round ${round}`);
    const ctx = tokenRequest({ scope: 'openid profile' });
    await rs.getResourceServerInfo(ctx, 'urn:api', client('svc'));
    t.is(ctx.oidc.params.scope, 'openid profile read write', `round ${round}`);
  }
  const svc = await rs.clients.get('svc');
  await rs.clients.save({ ...(svc as NonNullable<typeof svc>), scopes: ['read', 'admin'] });
  t.is((await rs.getResourceServerInfo(tokenRequest({ scope: 'read admin' }), 'urn:api', client('svc'))).scope, 'read admin');
  await t.throwsAsync(rs.getResourceServerInfo(tokenRequest({ scope: 'write' }), 'urn:api', client('svc')), { name: 'InvalidScope' });
});
