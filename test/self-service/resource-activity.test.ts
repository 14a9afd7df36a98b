import test from 'ava';

import type { SecurityEventName } from '../../src/security/security-events.ts';
import { activityKept, createResourceActivity, withResourceActivity } from '../../src/self-service/resource-activity.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { eventually } from '../helpers/eventually.ts';

const since = (identifier: string, createdAt = '2000-01-01T00:00:00.000Z') => ({ identifier, createdAt });

test('events naming a resource are kept for it, newest first, the oldest dropped past the limit', async (t) => {
  const activity = createResourceActivity(createMemoryStorage());
  for (let index = 0; index < activityKept + 5; index++) {
    await activity.record('https://a.example', {
      at: new Date(Date.UTC(2030, 0, 1, 0, 0, index)).toISOString(),
      event: 'resource_token.created',
      tokenId: `t${index}`,
    });
  }
  await activity.record('https://b.example', { at: new Date().toISOString(), event: 'resource_token.revoked' });
  const recent = await activity.recent(since('https://a.example'));
  t.is(recent.length, activityKept);
  t.is(recent[0]?.tokenId, `t${activityKept + 4}`);
  t.is(recent.at(-1)?.tokenId, 't5');
  t.is((await activity.recent(since('https://a.example'), 3)).length, 3);
  t.is((await activity.recent(since('https://b.example'))).length, 1);
});

test("the security events still go to the log; those naming a resource also to its activity, but not admin.change nor what a resource's deletion deletes", async (t) => {
  const emitted: SecurityEventName[] = [];
  const activity = createResourceActivity(createMemoryStorage());
  const events = withResourceActivity({ emit: (event) => void emitted.push(event) }, activity, (error) => t.fail(String(error)));
  events.emit('resource_token.rotated', {
    resource: 'https://a.example',
    tokenId: 'tgrt_x',
    actor: 'account:alice',
    ip: '10.0.0.1',
    overlapSeconds: 3600,
    reqId: 'r1',
  });
  events.emit('admin.change', { resource: 'https://a.example', action: 'resource_token.revoke' });
  events.emit('resource_token.deleted', { resource: 'https://a.example', tokenId: 'tgrt_y', reason: 'resource_deleted' });
  events.emit('sign_in.succeeded', { accountId: 'alice' });
  t.deepEqual(emitted, ['resource_token.rotated', 'admin.change', 'resource_token.deleted', 'sign_in.succeeded']);
  const [entry] = await eventually(async () => {
    const recent = await activity.recent(since('https://a.example'));
    return recent.length ? recent : undefined;
  }, 'the activity entry');
  t.like(entry, { event: 'resource_token.rotated', tokenId: 'tgrt_x', actor: 'account:alice', ip: '10.0.0.1', overlapSeconds: 3600 });
  t.false('reqId' in (entry as object));
  t.is((await activity.recent(since('https://a.example'))).length, 1);
});

test("a resource server's activity is removed with it, and none from before its creation is shown", async (t) => {
  const activity = createResourceActivity(createMemoryStorage());
  await activity.record('https://a.example', { at: '2030-01-01T00:00:00.000Z', event: 'trusted_publisher.added', publisherId: 'tgtp_x' });
  await activity.record('https://b.example', { at: '2030-01-01T00:00:00.000Z', event: 'resource_token.created' });
  t.is((await activity.recent(since('https://a.example', '2030-01-01T00:00:00.000Z'))).length, 1);
  t.deepEqual(await activity.recent(since('https://a.example', '2030-01-01T00:00:01.000Z')), [], 'an entry older than the resource');
  await activity.removeAll('https://a.example');
  t.deepEqual(await activity.recent(since('https://a.example')), []);
  t.is((await activity.recent(since('https://b.example'))).length, 1, 'other resources keep theirs');
});
