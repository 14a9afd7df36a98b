import test from 'ava';

import type { AccountRecord } from '../../src/accounts/account-record.ts';
import type { ResourceServerRecord } from '../../src/resources/resource-server-record.ts';
import type { SecurityEventDetails } from '../../src/security/security-events.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { createRedisStorage } from '../../src/storage/redis-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { createTrustedPublisherStore } from '../../src/trusted-publishers/publisher-store.ts';
import { createTrustedPublishers } from '../../src/trusted-publishers/trusted-publishers.ts';
import { redisClientPerFile } from '../helpers/server-per-file.ts';

const actions = 'https://token.actions.githubusercontent.com';
const shared = redisClientPerFile();

const resource: ResourceServerRecord = {
  identifier: 'https://plugins.example.org',
  name: 'plugins',
  scopes: ['publish', 'read'],
  signingAlg: 'ES256',
  maintainers: { accounts: ['alice'], groups: [] },
  selfService: { enabled: true, maxPriority: { ci: 5 }, maxLifetimeDays: 365, publisherIssuers: [actions] },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '',
};
const alice: AccountRecord = { id: 'alice', username: 'alice', name: 'Alice A.', passwordHash: '', disabled: false, createdAt: '', updatedAt: '' };
const context = { actor: { kind: 'account' as const, id: 'alice' }, ip: '192.0.2.1' };
const repository = { repository: 'qgis/plugin-x', repository_id: '812345678', repository_owner_id: '483444' };

const stores: Record<'memory' | 'redis', (prefix: string) => Storage> = {
  memory: () => createMemoryStorage(),
  redis: (prefix) => createRedisStorage(shared.client, prefix, {}),
};

function setup(storage: Storage) {
  const events: Array<[string, SecurityEventDetails]> = [];
  const store = createTrustedPublisherStore(storage);
  const publishers = createTrustedPublishers({
    store,
    securityEvents: { emit: (event, details) => events.push([event, details]) },
    trustedIssuers: { has: (issuer) => issuer === actions },
  });
  return { store, publishers, events };
}

for (const kind of ['memory', 'redis'] as const) {
  test.serial(`${kind}: a publisher is stored, listed under its resource only, and gone from reads, listing and last use once removed`, async (t) => {
    const { store, publishers, events } = setup(stores[kind](`${kind}-a:`));
    const record = await publishers.add(
      resource,
      alice,
      { ci: 9 },
      { description: 'release', issuer: actions, github_actions: repository, max_priority: { ci: 5 } },
      context,
    );
    t.regex(record.id, /^tgtp_[0-9A-Za-z]{12}$/);
    t.deepEqual(record.workload, { kind: 'github_actions', repository: 'qgis/plugin-x', repositoryId: '812345678', repositoryOwnerId: '483444' });
    t.deepEqual(record.scopes, ['publish', 'read']);
    t.deepEqual((await store.get(record.id))?.createdBy, { kind: 'account', id: 'alice', name: 'Alice A.' });
    t.deepEqual(
      (await publishers.list(resource)).map((listed) => listed.id),
      [record.id],
    );
    t.deepEqual(await publishers.list({ identifier: 'https://other.example.org', createdAt: resource.createdAt }), []);
    await t.throwsAsync(publishers.remove({ identifier: 'https://other.example.org', createdAt: resource.createdAt }, record.id, context), {
      code: 'not_found',
    });

    t.true(await store.touch(record.id, '198.51.100.7'));
    await publishers.remove(resource, record.id, { actor: { kind: 'account', id: 'bob' } });
    t.is(await store.get(record.id), undefined);
    t.is(await store.lastUsed(record.id), undefined);
    t.deepEqual(await publishers.list(resource), []);
    const names = events.map(([event, details]) => [event, details.publisherId, details.actor, details.resource]);
    t.deepEqual(names, [
      ['trusted_publisher.added', record.id, 'account:alice', resource.identifier],
      ['trusted_publisher.removed', record.id, 'account:bob', resource.identifier],
    ]);
  });

  test.serial(`${kind}: last use is written once a minute at most per process, and the first use is told apart`, async (t) => {
    const storage = stores[kind](`${kind}-use:`);
    const { store, publishers } = setup(storage);
    const record = await publishers.add(resource, alice, undefined, { description: 'x', issuer: actions, github_actions: repository }, context);
    t.true(await store.touch(record.id, '198.51.100.7'), 'first use');
    t.false(await store.touch(record.id, '198.51.100.8'), 'within the minute: not written');
    t.is((await store.lastUsed(record.id))?.ip, '198.51.100.7');
    const other = createTrustedPublisherStore(storage);
    t.false(await other.touch(record.id, '198.51.100.9'), 'another process writes, but it is not the first use');
    t.is((await store.lastUsed(record.id))?.ip, '198.51.100.9');
  });

  test.serial(`${kind}: the same CI identity twice on one resource is a conflict naming the first binding`, async (t) => {
    const { publishers } = setup(stores[kind](`${kind}-dup:`));
    const first = await publishers.add(resource, alice, undefined, { description: 'x', issuer: actions, github_actions: repository }, context);
    const error = await t.throwsAsync(
      publishers.add(
        resource,
        alice,
        undefined,
        { description: 'y', issuer: actions, github_actions: { ...repository, repository: 'renamed/plugin' } },
        context,
      ),
      { code: 'conflict' },
    );
    t.true(error?.message.includes(first.id));
    await t.notThrowsAsync(
      publishers.add(resource, alice, undefined, { description: 'z', issuer: actions, github_actions: { ...repository, environment: 'release' } }, context),
    );
  });
}

test.serial('redis: a publisher lives in the trusted-publishers hash with no TTL (it has no expiry), indexed per resource', async (t) => {
  const { publishers } = setup(stores.redis('keys:'));
  const record = await publishers.add(resource, alice, undefined, { description: 'x', issuer: actions, github_actions: repository }, context);
  t.truthy(await shared.client.hget('keys:trusted-publishers', record.id));
  t.is(await shared.client.ttl('keys:trusted-publishers'), -1);
  t.deepEqual(await shared.client.hkeys(`keys:resource-publishers:${resource.identifier}`), [record.id]);
});

test('an issuer the policy does not list, or no listed issuer at all, is refused naming the field', async (t) => {
  const { publishers } = setup(createMemoryStorage());
  const other = await t.throwsAsync(
    publishers.add(resource, alice, undefined, { description: 'x', issuer: 'https://gitlab.example.org', github_actions: repository }, context),
    { code: 'invalid_field' },
  );
  t.is((other as { field?: string }).field, 'issuer');
  const none = { ...resource, selfService: { enabled: true, maxLifetimeDays: 365, publisherIssuers: [] } };
  const closed = await t.throwsAsync(publishers.add(none, alice, undefined, { description: 'x', issuer: actions, github_actions: repository }, context), {
    code: 'invalid_field',
  });
  t.regex(closed?.message ?? '', /allows no trusted publishers/);
});
