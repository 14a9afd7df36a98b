import test from 'ava';

import { rememberingSecretCheck } from '../../src/clients/client-secret.ts';
import { createResourceTokenStore } from '../../src/resource-tokens/resource-token-store.ts';
import { createResourceTokens } from '../../src/resource-tokens/resource-tokens.ts';
import type { SecurityEventDetails } from '../../src/security/security-events.ts';
import { createRedisStorage } from '../../src/storage/redis-storage.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { alice, maintainedResource } from '../helpers/maintained-resource.ts';
import { inDays } from '../helpers/self-service.ts';
import { redisClientPerFile } from '../helpers/server-per-file.ts';

const pepper = 'test-pepper-0123456789abcdef0123456789';
const shared = redisClientPerFile();
const events: Array<[string, SecurityEventDetails]> = [];

const resource = maintainedResource({ maxPriority: { ci: 5 } });
const context = { actor: { kind: 'account' as const, id: 'alice' }, ip: '192.0.2.1' };

function setup(prefix: string) {
  const storage = createRedisStorage(shared.client, prefix, { secretPepper: pepper });
  const store = createResourceTokenStore(storage);
  const tokens = createResourceTokens({ store, secretPepper: pepper, securityEvents: { emit: (event, details) => events.push([event, details]) } });
  return { store, tokens };
}

test.serial('a created token is stored with a TTL of its expiry, listed, and its value verifies against the stored hash only', async (t) => {
  const { store, tokens } = setup('a:');
  const { record, value } = await tokens.create(
    resource,
    alice,
    { ci: 9 },
    { description: 'release', max_priority: { ci: 5 }, expires_at: inDays(30) },
    context,
  );
  const ttl = await shared.client.ttl(`a:v:resource-token:${record.id}`);
  t.true(ttl > 30 * 86400 - 60 && ttl <= 30 * 86400, `ttl ${ttl}`);
  t.deepEqual(
    (await tokens.list(resource)).map((listed) => listed.id),
    [record.id],
  );
  const stored = await store.get(record.id);
  t.true(rememberingSecretCheck(pepper)(stored?.secrets ?? [], value));
  t.false(rememberingSecretCheck(pepper)(stored?.secrets ?? [], `${value.slice(0, -1)}x`));
  t.deepEqual(stored?.createdBy, { kind: 'account', id: 'alice', name: 'Alice A.' });
  const created = events.find(([event, details]) => event === 'resource_token.created' && details.tokenId === record.id);
  t.truthy(created);
  t.false(JSON.stringify(events).includes(value), 'no event holds the value');
});

test.serial('a full Redis dump holds no resource-token value nor its secret part', async (t) => {
  const { tokens } = setup('dump:');
  const values: string[] = [];
  for (let index = 0; index < 3; index += 1)
    values.push((await tokens.create(resource, alice, undefined, { description: `t${index}`, expires_at: inDays(5) }, context)).value);
  const rotated = await tokens.rotate(resource, (await tokens.list(resource))[0]?.id as string, 3600, context);
  values.push(rotated.value);
  const { text } = await dumpRedis(shared.redis.url);
  for (const value of values) {
    t.false(text.includes(value));
    t.false(text.includes(value.slice(18, 61)), 'nor the secret characters alone');
  }
});

test.serial('revoking records who revoked and when; the token is no longer in force', async (t) => {
  const { store, tokens } = setup('r:');
  const { record } = await tokens.create(resource, alice, undefined, { description: 'old', expires_at: inDays(2) }, context);
  const revoked = await tokens.revoke(resource, record.id, { actor: { kind: 'account', id: 'bob', name: 'Bob' } });
  t.truthy(revoked.revokedAt);
  t.deepEqual((await store.get(record.id))?.revokedBy, { kind: 'account', id: 'bob', name: 'Bob' });
  await t.throwsAsync(tokens.rotate(resource, record.id, 0, context), { code: 'conflict' });
});

test.serial('rotating gives a new value; the old one works only inside the overlap', async (t) => {
  const { store, tokens } = setup('rot:');
  const check = rememberingSecretCheck(pepper);
  const first = await tokens.create(resource, alice, undefined, { description: 'x', expires_at: inDays(2) }, context);
  const second = await tokens.rotate(resource, first.record.id, 600, context);
  t.not(first.value, second.value);
  const stored = await store.get(first.record.id);
  t.true(check(stored?.secrets ?? [], second.value));
  t.true(check(stored?.secrets ?? [], first.value), 'inside the overlap');
  const third = await tokens.rotate(resource, first.record.id, 0, context);
  const after = await store.get(first.record.id);
  t.false(check(after?.secrets ?? [], second.value), 'no overlap: the previous value stops at once');
  t.true(check(after?.secrets ?? [], third.value));
});

test.serial('a token of another resource is not found through this one', async (t) => {
  const { tokens } = setup('other:');
  const { record } = await tokens.create(resource, alice, undefined, { description: 'x', expires_at: inDays(2) }, context);
  await t.throwsAsync(tokens.revoke({ ...resource, identifier: 'https://other.example.org' }, record.id, context), { code: 'not_found' });
});

test.serial('last use is written once a minute at most, and the first use is told apart', async (t) => {
  const { store, tokens } = setup('use:');
  const { record } = await tokens.create(resource, alice, undefined, { description: 'x', expires_at: inDays(2) }, context);
  t.true(await store.touch(record.id, '198.51.100.7', record.expiresAt), 'first use');
  t.false(await store.touch(record.id, '198.51.100.8', record.expiresAt), 'within the minute: not written');
  t.is((await store.lastUsed(record.id))?.ip, '198.51.100.7');
  const other = createResourceTokenStore(createRedisStorage(shared.client, 'use:', { secretPepper: pepper }));
  t.false(await other.touch(record.id, '198.51.100.9', record.expiresAt), 'another process writes, but it is not the first use');
  t.is((await store.lastUsed(record.id))?.ip, '198.51.100.9');
});

test.serial('an expired token is gone from reads and from the listing index', async (t) => {
  const { store, tokens } = setup('exp:');
  const { record } = await tokens.create(resource, alice, undefined, { description: 'x', expires_at: new Date(Date.now() + 1500).toISOString() }, context);
  t.truthy(await store.get(record.id));
  await new Promise((resolve) => setTimeout(resolve, 2100));
  t.is(await store.get(record.id), undefined);
  t.deepEqual(await tokens.list(resource), []);
  t.deepEqual(await shared.client.hkeys(`exp:resource-tokens:${resource.identifier}`), []);
});
