import test from 'ava';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { createAccountStore } from '../../src/accounts/account-store.ts';
import { grantTypes } from '../../src/clients/client-record.ts';
import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { newClientRecord } from '../../src/clients/new-client-record.ts';
import { createTokenClaims } from '../../src/provider/token-claims.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

const createdAt = '2026-12-07T12:00:00.000Z';

async function setUp() {
  const storage = createMemoryStorage();
  const clients = createClientRegistry(storage, 0, () => {});
  const accounts = createAccountStore(storage);
  const service = { grantTypes: [grantTypes.clientCredentials], authMethod: 'client_secret_basic' as const, secrets: [{ hash: 'sha256:x' }] };
  await clients.save(newClientRecord({ clientId: 'svc', ...service, maxPriority: { ci: 5 } }));
  await clients.save(newClientRecord({ clientId: 'plain', ...service }));
  await accounts.save({ id: 'ada', username: 'ada', passwordHash: '', maxPriority: { lab: 7 }, disabled: false, createdAt, updatedAt: createdAt });
  const claims = createTokenClaims(clients, accounts, (account) => account.maxPriority);
  return { accounts, claims };
}

const noAccountLoaded = { oidc: {} } as KoaContextWithOIDC;

test("a client-credentials token carries its client's max_priority, and none when the client has none", async (t) => {
  const { claims } = await setUp();
  t.deepEqual(await claims(noAccountLoaded, { kind: 'ClientCredentials', clientId: 'svc' }), { max_priority: { ci: 5 } });
  t.is(await claims(noAccountLoaded, { kind: 'ClientCredentials', clientId: 'plain' }), undefined);
});

test("a person's token carries the account's max_priority as stored now, not the client's", async (t) => {
  const { accounts, claims } = await setUp();
  const token = { kind: 'AccessToken', clientId: 'svc', accountId: 'ada' };
  t.deepEqual(await claims(noAccountLoaded, token), { max_priority: { lab: 7 } });
  const ada = await accounts.get('ada');
  await accounts.save({ ...(ada as NonNullable<typeof ada>), maxPriority: { lab: 1 } });
  t.deepEqual(await claims(noAccountLoaded, token), { max_priority: { lab: 1 } }, 'an admin change shows at the next token');
  t.is(await claims(noAccountLoaded, { kind: 'AccessToken', clientId: 'svc', accountId: 'nobody' }), undefined);
});

test('the account this request already loaded is used instead of reading it again', async (t) => {
  const { claims } = await setUp();
  const loaded = { oidc: { account: { accountId: 'ada', maxPriority: { loaded: 2 } } } } as unknown as KoaContextWithOIDC;
  t.deepEqual(await claims(loaded, { kind: 'AccessToken', accountId: 'ada' }), { max_priority: { loaded: 2 } });
  const someoneElse = { oidc: { account: { accountId: 'bob', maxPriority: { other: 9 } } } } as unknown as KoaContextWithOIDC;
  t.deepEqual(await claims(someoneElse, { kind: 'AccessToken', accountId: 'ada' }), { max_priority: { lab: 7 } }, 'only for the same account');
});

test('a token exchange keeps the claims it decided itself', async (t) => {
  const { claims } = await setUp();
  const extra = { act: { sub: 'svc' }, max_priority: { lab: 3 } };
  t.is(await claims(noAccountLoaded, { kind: 'AccessToken', clientId: 'svc', accountId: 'ada', gty: grantTypes.tokenExchange, extra }), extra);
});
