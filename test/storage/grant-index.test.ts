import test from 'ava';

import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { createRedisStorage } from '../../src/storage/redis-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { redisClientPerFile } from '../helpers/server-per-file.ts';

const shared = redisClientPerFile();

const backends: Array<[string, () => Storage]> = [
  ['memory', () => createMemoryStorage()],
  ['redis', () => createRedisStorage(shared.client, `t${Math.random().toString(36).slice(2)}:`)],
];

/** A fresh storage of one backend holding these grants, each with one refresh token (`refreshTokens[grant]`). */
async function storageWithGrants(open: () => Storage, grants: Array<[grantId: string, accountId: string, clientId: string]>) {
  const storage = open();
  const refreshTokens: Record<string, string> = {};
  for (const [grantId, accountId, clientId] of grants) {
    const id = (refreshTokens[grantId] = storage.refreshTokenId({ grantId, accountId }));
    await storage.modelAdapter('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', accountId, clientId }, 3600);
    await storage.modelAdapter('RefreshToken').upsert(id, { jti: id, kind: 'RefreshToken', grantId, accountId, clientId }, 600);
  }
  return { storage, refreshTokens };
}

for (const [name, open] of backends) {
  test(`${name}: revoking an account's grants removes its grants and their tokens, and nobody else's`, async (t) => {
    const { storage, refreshTokens } = await storageWithGrants(open, [
      ['g1', 'alice', 'cli'],
      ['g2', 'alice', 'other-cli'],
      ['g3', 'bob', 'cli'],
    ]);

    t.is(await storage.revokeGrantsOf({ kind: 'account', id: 'alice' }), 2);
    t.is(await storage.modelAdapter('Grant').find('g1'), undefined);
    t.is(await storage.modelAdapter('RefreshToken').find(refreshTokens.g1 as string), undefined);
    t.is(await storage.modelAdapter('RefreshToken').find(refreshTokens.g2 as string), undefined);
    t.truthy(await storage.modelAdapter('RefreshToken').find(refreshTokens.g3 as string));
    t.is(await storage.revokeGrantsOf({ kind: 'account', id: 'alice' }), 0);
  });

  test(`${name}: revoking a client's grants removes every account's grant through it`, async (t) => {
    const { storage, refreshTokens } = await storageWithGrants(open, [
      ['g1', 'alice', 'cli'],
      ['g2', 'bob', 'cli'],
      ['g3', 'bob', 'other'],
    ]);

    t.is(await storage.revokeGrantsOf({ kind: 'client', id: 'cli' }), 2);
    t.is(await storage.modelAdapter('RefreshToken').find(refreshTokens.g2 as string), undefined);
    t.truthy(await storage.modelAdapter('Grant').find('g3'));
  });
}

test('redis: the principal index has a TTL as long as its longest grant', async (t) => {
  const prefix = 'ttl:';
  const storage = createRedisStorage(shared.client, prefix);
  await storage.modelAdapter('Grant').upsert('g1', { jti: 'g1', kind: 'Grant', accountId: 'carol', clientId: 'cli' }, 100);
  await storage.modelAdapter('Grant').upsert('g2', { jti: 'g2', kind: 'Grant', accountId: 'carol', clientId: 'cli' }, 5000);
  const ttl = await shared.client.ttl(`${prefix}principal-grants:{account:carol}`);
  t.true(ttl > 4000 && ttl <= 5000, String(ttl));
});
