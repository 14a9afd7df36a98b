import test from 'ava';
import { Redis } from 'ioredis';

import type { AccountRecord } from '../../src/accounts/account-record.ts';
import { rememberingSecretCheck } from '../../src/clients/client-secret.ts';
import { createResourceTokenStore } from '../../src/resource-tokens/resource-token-store.ts';
import { createResourceTokens } from '../../src/resource-tokens/resource-tokens.ts';
import type { ResourceServerRecord } from '../../src/resources/resource-server-record.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { createRedisStorage } from '../../src/storage/redis-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';

const pepper = 'test-pepper-0123456789abcdef0123456789';
let redis: TestRedis;
let client: Redis;

test.before(async () => {
  redis = await startRedis();
  client = new Redis(redis.url);
});
test.after.always(async () => {
  client?.disconnect();
  await redis?.stop();
});

const resource: ResourceServerRecord = {
  identifier: 'https://plugins.example.org',
  name: 'plugins',
  scopes: ['publish'],
  signingAlg: 'ES256',
  maintainers: { accounts: ['alice'], groups: [] },
  selfService: { enabled: true, maxLifetimeDays: 365, publisherIssuers: [] },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const alice: AccountRecord = { id: 'alice', username: 'alice', passwordHash: '', disabled: false, createdAt: '', updatedAt: '' };
const inDays = (n: number) => new Date(Date.now() + n * 86400_000).toISOString();
const byAlice = { actor: { kind: 'account' as const, id: 'alice' } };
const byBob = { actor: { kind: 'account' as const, id: 'bob' } };
const rounds = 10;

const storages: Record<string, () => Storage> = {
  memory: () => createMemoryStorage(),
  redis: () => createRedisStorage(client, `races-${Math.random().toString(36).slice(2)}:`, { secretPepper: pepper }),
};

for (const [kind, open] of Object.entries(storages)) {
  function setup() {
    const store = createResourceTokenStore(open());
    return { store, tokens: createResourceTokens({ store, secretPepper: pepper, securityEvents: { emit: () => {} } }) };
  }
  const secretCheck = rememberingSecretCheck(pepper);

  test(`${kind}: a revocation racing a rotation is never undone by it, whichever starts first`, async (t) => {
    const { store, tokens } = setup();
    for (let round = 0; round < rounds; round += 1) {
      const { record } = await tokens.create(resource, alice, undefined, { description: `race ${round}`, expires_at: inDays(2) }, byAlice);
      const rotate = () => tokens.rotate(resource, record.id, 3600, byAlice);
      const revoke = () => tokens.revoke(resource, record.id, byBob);
      const [first, second] = round % 2 === 0 ? await Promise.allSettled([rotate(), revoke()]) : (await Promise.allSettled([revoke(), rotate()])).reverse();
      t.is(second?.status, 'fulfilled', 'the revocation always succeeds');
      const stored = await store.get(record.id);
      t.truthy(stored?.revokedAt, `round ${round}: the token stays revoked`);
      t.deepEqual(stored?.revokedBy, byBob.actor);
      if (first?.status === 'rejected') t.is((first.reason as { code?: string }).code, 'conflict', 'a rotation that came second is refused');
    }
  });

  test(`${kind}: two racing rotations both count: the later one's value is current and the earlier one's overlaps`, async (t) => {
    const { store, tokens } = setup();
    for (let round = 0; round < rounds; round += 1) {
      const { record, value: original } = await tokens.create(resource, alice, undefined, { description: `race ${round}`, expires_at: inDays(2) }, byAlice);
      const rotated = await Promise.all([tokens.rotate(resource, record.id, 3600, byAlice), tokens.rotate(resource, record.id, 3600, byBob)]);
      const stored = await store.get(record.id);
      const secrets = stored?.secrets ?? [];
      t.is(secrets.length, 2, 'one current secret and the one it replaced');
      t.is(secrets.filter((secret) => !secret.expiresAt).length, 1, 'exactly one current secret');
      for (const { value } of rotated) t.true(secretCheck(secrets, value), `round ${round}: a value a rotation answered with works`);
      t.false(secretCheck(secrets, original), 'the value both replaced is gone');
    }
  });

  test(`${kind}: many racing rotations and a revocation leave a revoked token with at most two secrets`, async (t) => {
    const { store, tokens } = setup();
    const { record } = await tokens.create(resource, alice, undefined, { description: 'busy', expires_at: inDays(2) }, byAlice);
    const rotate = () => tokens.rotate(resource, record.id, 600, byAlice);
    const outcomes = await Promise.allSettled([rotate(), rotate(), tokens.revoke(resource, record.id, byBob), rotate(), rotate()]);
    t.is(outcomes[2]?.status, 'fulfilled');
    const stored = await store.get(record.id);
    t.truthy(stored?.revokedAt);
    t.true((stored?.secrets.length ?? 0) <= 2);
  });
}
