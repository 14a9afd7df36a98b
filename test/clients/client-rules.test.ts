import test from 'ava';

import { grantTypes, type GrantType } from '../../src/clients/client-record.ts';
import { checkClient, checkGrantTypes } from '../../src/clients/client-rules.ts';
import { newClientRecord } from '../../src/clients/new-client-record.ts';
import { createResourceRegistry } from '../../src/resources/resource-registry.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

const resources = createResourceRegistry(createMemoryStorage(), 0);

test('refresh_token is only allowed with device_code', (t) => {
  t.throws(() => checkGrantTypes([grantTypes.clientCredentials, grantTypes.refreshToken]), {
    message: /refresh_token is only issued with the device_code grant/,
  });
  t.notThrows(() => checkGrantTypes([grantTypes.deviceCode, grantTypes.refreshToken]));
});

test('grant types must be listed once and at least one', (t) => {
  t.throws(() => checkGrantTypes([]), { message: /at least one/ });
  t.throws(() => checkGrantTypes([grantTypes.clientCredentials, grantTypes.clientCredentials] as GrantType[]), { message: /twice/ });
});

test('problems are named the way the caller names fields', (t) => {
  const error = t.throws(() => checkGrantTypes([grantTypes.refreshToken], (name) => `clients.0.${name}`)) as Error & { field: string };
  t.is(error.field, 'clients.0.grant_types');
});

test('a public client may not use client_credentials', async (t) => {
  const record = newClientRecord({ clientId: 'cli', grantTypes: [grantTypes.deviceCode, grantTypes.clientCredentials], authMethod: 'none' });
  const error = (await t.throwsAsync(checkClient(record, resources))) as Error & { field: string };
  t.is(error.field, 'token_endpoint_auth_method');
});

test('a client_secret_* client needs a secret; a resource must exist', async (t) => {
  const noSecret = newClientRecord({ clientId: 'svc', grantTypes: [grantTypes.clientCredentials], authMethod: 'client_secret_basic' });
  t.is(((await t.throwsAsync(checkClient(noSecret, resources))) as Error & { field: string }).field, 'secret');
  const unknownResource = newClientRecord({
    clientId: 'svc',
    grantTypes: [grantTypes.clientCredentials],
    authMethod: 'client_secret_basic',
    secrets: [{ hash: 'sha256:x' }],
    resources: ['urn:nowhere'],
  });
  t.is(((await t.throwsAsync(checkClient(unknownResource, resources))) as Error & { field: string }).field, 'resources.0');
});

test('serves goes with the token-exchange grant, for confidential clients, and names existing resources', async (t) => {
  const secrets = [{ hash: 'sha256:x' }];
  const field = async (fields: Parameters<typeof newClientRecord>[0]) =>
    ((await t.throwsAsync(checkClient(newClientRecord(fields), resources))) as Error & { field: string }).field;
  t.is(
    await field({ clientId: 'a', grantTypes: [grantTypes.clientCredentials], authMethod: 'client_secret_basic', secrets, serves: ['urn:tollgate:admin'] }),
    'serves',
  );
  t.is(await field({ clientId: 'a', grantTypes: [grantTypes.tokenExchange], authMethod: 'client_secret_basic', secrets }), 'serves');
  t.is(await field({ clientId: 'a', grantTypes: [grantTypes.tokenExchange], authMethod: 'client_secret_basic', secrets, serves: ['urn:nowhere'] }), 'serves.0');
  t.is(
    await field({ clientId: 'a', grantTypes: [grantTypes.deviceCode, grantTypes.tokenExchange], authMethod: 'none', serves: ['urn:tollgate:admin'] }),
    'token_endpoint_auth_method',
  );
  // tollgate's own APIs are never what an exchanging client serves (issue 21 item 16).
  t.is(
    await field({ clientId: 'a', grantTypes: [grantTypes.tokenExchange], authMethod: 'client_secret_basic', secrets, serves: ['urn:tollgate:admin'] }),
    'serves.0',
  );
  const now = new Date().toISOString();
  await resources.save({
    identifier: 'urn:gateway-api',
    name: 'Gateway API',
    scopes: ['gw:read'],
    accessTokenTtl: 600,
    signingAlg: 'ES256',
    createdAt: now,
    updatedAt: now,
  });
  await t.notThrowsAsync(
    checkClient(
      newClientRecord({ clientId: 'a', grantTypes: [grantTypes.tokenExchange], authMethod: 'client_secret_basic', secrets, serves: ['urn:gateway-api'] }),
      resources,
    ),
  );
});
