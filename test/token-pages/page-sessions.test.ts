import { setTimeout as sleep } from 'node:timers/promises';

import test from 'ava';

import { createMemoryStorage } from '../../src/storage/memory-storage.ts';
import { createPageSessions } from '../../src/token-pages/page-sessions.ts';

test('a session is found by its id, and storage holds only the id’s digest', async (t) => {
  const storage = createMemoryStorage();
  const sessions = createPageSessions(storage, { idleSeconds: 60, absoluteSeconds: 600 });
  const started = await sessions.start('alice');
  t.regex(started.id, /^[A-Za-z0-9_-]{43}$/);
  t.like(await sessions.find(started.id), { id: started.id, accountId: 'alice' });
  t.is(await storage.getValue(`page-session:${started.id}`), undefined);
  t.is(await sessions.find(`${started.id.slice(0, -1)}x`), undefined);
  t.is(await sessions.find('not a session'), undefined);
  t.is(await sessions.find(undefined), undefined);
});

test('a session unused for the idle timeout is gone; each use starts the idle timeout again', async (t) => {
  const sessions = createPageSessions(createMemoryStorage(), { idleSeconds: 1, absoluteSeconds: 600 });
  const { id } = await sessions.start('alice');
  await sleep(600);
  t.truthy(await sessions.find(id));
  await sleep(600);
  t.truthy(await sessions.find(id), 'used 600 ms ago: still alive after 1.2 s');
  await sleep(1_100);
  t.is(await sessions.find(id), undefined);
});

test('a session ends at the absolute timeout however often it is used', async (t) => {
  let now = Date.now();
  const sessions = createPageSessions(createMemoryStorage(), { idleSeconds: 60, absoluteSeconds: 120 }, () => now);
  const { id } = await sessions.start('alice');
  now += 119_000;
  t.truthy(await sessions.find(id));
  now += 2_000;
  t.is(await sessions.find(id), undefined);
});

test('a session signed out stays out', async (t) => {
  const sessions = createPageSessions(createMemoryStorage(), { idleSeconds: 60, absoluteSeconds: 600 });
  const { id } = await sessions.start('alice');
  const other = await sessions.start('alice');
  await sessions.end(id);
  t.is(await sessions.find(id), undefined);
  t.truthy(await sessions.find(other.id), 'another session of the same person is not touched');
});
