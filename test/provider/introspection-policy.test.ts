import test from 'ava';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { grantTypes } from '../../src/clients/client-record.ts';
import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { newClientRecord } from '../../src/clients/new-client-record.ts';
import { createIntrospectionPolicy, refusePublicIntrospection } from '../../src/provider/introspection-policy.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

async function policyWithClients() {
  const clients = createClientRegistry(createMemoryStorage(), 0, () => {});
  const service = { grantTypes: [grantTypes.clientCredentials], authMethod: 'client_secret_basic' as const, secrets: [{ hash: 'sha256:x' }] };
  await clients.save(newClientRecord({ clientId: 'api', ...service, resources: ['urn:api'] }));
  await clients.save(newClientRecord({ clientId: 'retired-api', ...service, resources: ['urn:api'], disabled: true }));
  await clients.save(newClientRecord({ clientId: 'other', ...service, resources: ['urn:other'] }));
  return createIntrospectionPolicy(clients);
}

test("a token's own client may introspect its access and refresh tokens", async (t) => {
  const policy = await policyWithClients();
  t.true(await policy.mayIntrospect('cli', { kind: 'AccessToken', clientId: 'cli', aud: 'urn:api' }));
  t.true(await policy.mayIntrospect('cli', { kind: 'RefreshToken', clientId: 'cli' }));
});

test('a client allowed a resource may introspect access tokens for it, in a list of audiences too', async (t) => {
  const policy = await policyWithClients();
  t.true(await policy.mayIntrospect('api', { kind: 'AccessToken', clientId: 'cli', aud: 'urn:api' }));
  t.true(await policy.mayIntrospect('api', { kind: 'AccessToken', clientId: 'cli', aud: ['urn:other', 'urn:api'] }));
  t.true(await policy.allowedPolicy({} as KoaContextWithOIDC, { clientId: 'api' }, { kind: 'AccessToken', clientId: 'cli', aud: 'urn:api' }));
});

test('anyone else learns nothing: other audiences, refresh tokens, disabled and unknown callers', async (t) => {
  const policy = await policyWithClients();
  t.false(await policy.mayIntrospect('other', { kind: 'AccessToken', clientId: 'cli', aud: 'urn:api' }), 'another API');
  t.false(await policy.mayIntrospect('api', { kind: 'RefreshToken', clientId: 'cli', aud: 'urn:api' }), 'a refresh token is its client alone');
  t.false(await policy.mayIntrospect('api', { kind: 'AccessToken', clientId: 'cli' }), 'a token without audience');
  t.false(await policy.mayIntrospect('retired-api', { kind: 'AccessToken', clientId: 'cli', aud: 'urn:api' }), 'a disabled client');
  t.false(await policy.mayIntrospect('nobody', { kind: 'AccessToken', clientId: 'cli', aud: 'urn:api' }), 'an unknown client');
});

function introspectionBy(clientAuthMethod: string, route = 'introspection') {
  const headers: Record<string, string> = {};
  const ctx = {
    oidc: { route, client: { clientAuthMethod } },
    status: 200,
    body: { active: true } as unknown,
    set: (name: string, value: string) => (headers[name] = value),
  };
  return { ctx: ctx as unknown as KoaContextWithOIDC & typeof ctx, headers };
}

test('a public client is refused introspection with invalid_client, whatever the answer would have been', async (t) => {
  const { ctx, headers } = introspectionBy('none');
  await refusePublicIntrospection(ctx, async () => {});
  t.is(ctx.status, 401);
  t.like(ctx.body as object, { error: 'invalid_client' });
  t.regex(headers['www-authenticate'] ?? '', /^Basic /);
});

test("an authenticated client's introspection answer is left as it is", async (t) => {
  const { ctx } = introspectionBy('client_secret_basic');
  await refusePublicIntrospection(ctx, async () => {});
  t.is(ctx.status, 200);
  t.deepEqual(ctx.body, { active: true });
  const other = introspectionBy('none', 'token');
  await refusePublicIntrospection(other.ctx, async () => {});
  t.is(other.ctx.status, 200, 'only the introspection route');
});
