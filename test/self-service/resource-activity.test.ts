import test from 'ava';

import type { SecurityEventName } from '../../src/security/security-events.ts';
import { activityKept, createResourceActivity, withResourceActivity } from '../../src/self-service/resource-activity.ts';
import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { eventually } from '../helpers/eventually.ts';

test('events naming a resource are kept for it, newest first, the oldest dropped past the limit', async (t) => {
  const activity = createResourceActivity(createMemoryStorage());
  for (let index = 0; index < activityKept + 5; index++) {
    await activity.record('https://a.example', { at: new Date(Date.UTC(2030, 0, 1, 0, 0, index)).toISOString(), event: 'resource_token.created', tokenId: `t${index}` });
  }
  await activity.record('https://b.example', { at: new Date().toISOString(), event: 'resource_token.revoked' });
  const recent = await activity.recent('https://a.example');
  t.is(recent.length, activityKept);
  t.is(recent[0]?.tokenId, `t${activityKept + 4}`);
  t.is(recent.at(-1)?.tokenId, 't5');
  t.is((await activity.recent('https://a.example', 3)).length, 3);
  t.is((await activity.recent('https://b.example')).length, 1);
});

test('the security events still go to the log; those naming a resource also to its activity, but not admin.change', async (t) => {
  const emitted: SecurityEventName[] = [];
  const activity = createResourceActivity(createMemoryStorage());
  const events = withResourceActivity({ emit: (event) => void emitted.push(event) }, activity, (error) => t.fail(String(error)));
  events.emit('resource_token.rotated', { resource: 'https://a.example', tokenId: 'tgrt_x', actor: 'account:alice', ip: '10.0.0.1', overlapSeconds: 3600, reqId: 'r1' });
  events.emit('admin.change', { resource: 'https://a.example', action: 'resource_token.revoke' });
  events.emit('sign_in.succeeded', { accountId: 'alice' });
  t.deepEqual(emitted, ['resource_token.rotated', 'admin.change', 'sign_in.succeeded']);
  const [entry] = await eventually(async () => {
    const recent = await activity.recent('https://a.example');
    return recent.length ? recent : undefined;
  }, 'the activity entry');
  t.like(entry, { event: 'resource_token.rotated', tokenId: 'tgrt_x', actor: 'account:alice', ip: '10.0.0.1', overlapSeconds: 3600 });
  t.false('reqId' in (entry as object));
  t.is((await activity.recent('https://a.example')).length, 1);
});
