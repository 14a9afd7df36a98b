import test from 'ava';
import Provider, { type Adapter, type Configuration } from 'oidc-provider';

import { createAccountStore } from '../../src/accounts/account-store.ts';
import { grantTypes } from '../../src/clients/client-record.ts';
import { createClientRegistry } from '../../src/clients/client-registry.ts';
import { newClientRecord } from '../../src/clients/new-client-record.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import { createAccessTokenGrants } from '../../src/provider/access-token-grants.ts';
import { createAccessTokenLiveness } from '../../src/provider/access-token-liveness.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';

const createdAt = '2026-12-07T12:00:00.000Z';

/** Real records on the in-memory store, and a real oidc-provider whose grants live in it. */
async function setUp() {
  const storage = createMemoryStorage();
  const clients = createClientRegistry(storage, 0, () => {});
  const accounts = createAccountStore(storage);
  const grants = createAccessTokenGrants(storage);
  const adapter = function AdapterFor(model: string): Adapter {
    return storage.modelAdapter(model);
  } as unknown as Configuration['adapter'];
  // Configured enough that it prints no development-only warnings.
  const provider = new Provider('http://127.0.0.1', {
    adapter,
    jwks: { keys: [await generateSigningKey('ES256')] },
    features: { devInteractions: { enabled: false } },
    ttl: { Grant: 600 },
  });
  const service = { grantTypes: [grantTypes.clientCredentials], authMethod: 'client_secret_basic' as const, secrets: [{ hash: 'sha256:x' }] };
  await clients.save(newClientRecord({ clientId: 'svc', ...service }));
  await clients.save(newClientRecord({ clientId: 'retired', ...service, disabled: true }));
  await clients.save(newClientRecord({ clientId: 'cli', grantTypes: [grantTypes.deviceCode], authMethod: 'none' }));
  await accounts.save({ id: 'ada', username: 'ada', passwordHash: '', disabled: false, createdAt, updatedAt: createdAt });
  await accounts.save({ id: 'bob', username: 'bob', passwordHash: '', disabled: true, createdAt, updatedAt: createdAt });

  /** A person's login through `clientId`, and an access token issued under it. */
  async function personToken(accountId: string, clientId = 'cli', jti = `${accountId}-at`) {
    const grantId = await new provider.Grant({ accountId, clientId }).save();
    await grants.recording(async () => undefined)({} as never, { kind: 'AccessToken', jti, grantId, expiration: 600 });
    return { grantId, payload: { jti, sub: accountId, client_id: clientId } };
  }

  return { storage, clients, provider, personToken, liveness: createAccessTokenLiveness({ storage, clients, accounts, grants }) };
}

test('a client-credentials token stands while its client is enabled', async (t) => {
  const { provider, liveness } = await setUp();
  t.true(await liveness.isLive(provider, { sub: 'svc', client_id: 'svc' }, 'svc'));
  t.false(await liveness.isLive(provider, { sub: 'retired', client_id: 'retired' }, 'retired'), 'a disabled client');
  t.false(await liveness.isLive(provider, { sub: 'gone', client_id: 'gone' }, 'gone'), 'an unknown client');
});

test("a person's token stands while its grant lives and is not revoked, and the person is enabled", async (t) => {
  const { storage, provider, personToken, liveness } = await setUp();
  const { grantId, payload } = await personToken('ada');
  t.deepEqual((await liveness.livePerson(provider, payload))?.grantId, grantId);
  t.is((await liveness.livePerson(provider, payload))?.account.username, 'ada');
  t.true(await liveness.isLive(provider, payload, 'cli'));
  await storage.modelAdapter('Grant').revokeByGrantId(grantId);
  t.is(await liveness.livePerson(provider, payload), undefined, 'a revoked grant');
  t.false(await liveness.isLive(provider, payload, 'cli'));
});

test("a person's token does not stand for a disabled or deleted person, or without a recorded grant", async (t) => {
  const { provider, personToken, liveness } = await setUp();
  t.is(await liveness.livePerson(provider, (await personToken('bob')).payload), undefined, 'a disabled person');
  t.is(await liveness.livePerson(provider, (await personToken('nobody')).payload), undefined, 'no such person');
  t.is(await liveness.livePerson(provider, { jti: 'unrecorded', sub: 'ada', client_id: 'cli' }), undefined, 'no grant recorded for the jti');
  t.is(await liveness.livePerson(provider, { sub: 'ada', client_id: 'cli' }), undefined, 'no jti');
});

test('an exchanged token stands only while the client the person logged in with is enabled', async (t) => {
  const { clients, provider, personToken, liveness } = await setUp();
  const { payload } = await personToken('ada', 'cli');
  const exchanged = { ...payload, client_id: 'svc' };
  t.truthy(await liveness.livePerson(provider, exchanged));
  const cli = await clients.get('cli');
  await clients.save({ ...(cli as NonNullable<typeof cli>), disabled: true });
  t.is(await liveness.livePerson(provider, exchanged), undefined);
});

test("a person's token stops standing once its grant record is gone, also after earlier checks found it", async (t) => {
  const { storage, provider, personToken, liveness } = await setUp();
  const { grantId, payload } = await personToken('ada');
  t.truthy(await liveness.livePerson(provider, payload));
  t.truthy(await liveness.livePerson(provider, payload), 'the second check asks only whether the grant stands');
  await storage.modelAdapter('Grant').destroy(grantId);
  t.is(await liveness.livePerson(provider, payload), undefined);
});
