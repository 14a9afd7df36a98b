import test from 'ava';

import { advanceKeySet, nextTransitionAt, revokeKey, rotateNow, type KeySchedule, type NewKey } from '../../src/keys/key-lifecycle.ts';
import { emptyKeySet, publishedAt, signingKeyAt, type StoredKey } from '../../src/keys/key-set-document.ts';

const schedule: KeySchedule = { periodMs: 100_000, leadMs: 10_000, retentionMs: 20_000 };
/** Keys numbered in the order made, per test (tests of a file run concurrently). */
function keyMaker(): NewKey {
  let counter = 0;
  return async (alg, state, activatesAt) => {
    counter += 1;
    return {
      kid: `${alg}-${counter}`,
      alg,
      state,
      createdAt: 0,
      activatesAt,
      origin: 'generated',
      publicJwk: {},
      sealed: { iv: '', tag: '', data: '' },
    } as StoredKey;
  };
}
const states = (keys: StoredKey[]) => keys.map((key) => `${key.kid}:${key.state}`);

test('an empty set gets an active key per algorithm, and nothing more until a lead time before the period ends', async (t) => {
  const newKey = keyMaker();
  const first = await advanceKeySet(emptyKeySet(), ['ES256', 'EdDSA'], schedule, 0, newKey);
  t.deepEqual(states(first.set.keys), ['ES256-1:active', 'EdDSA-2:active']);
  const early = await advanceKeySet(first.set, ['ES256', 'EdDSA'], schedule, 89_999, newKey);
  t.deepEqual(early.transitions, []);
  const ahead = await advanceKeySet(first.set, ['ES256'], schedule, 90_000, newKey);
  t.deepEqual(states(ahead.set.keys), ['ES256-1:active', 'EdDSA-2:active', 'ES256-3:next', 'EdDSA-4:next']);
  t.is(ahead.set.keys.find((key) => key.kid === 'ES256-3')?.activatesAt, 100_000, 'published a full lead time before it signs');
});

test('the next key signs at its moment on every instance, before anyone records the transition', async (t) => {
  const newKey = keyMaker();
  const { set } = await advanceKeySet((await advanceKeySet(emptyKeySet(), ['ES256'], schedule, 0, newKey)).set, ['ES256'], schedule, 90_000, newKey);
  t.is(signingKeyAt(set.keys, 'ES256', 99_999)?.kid, 'ES256-1');
  t.is(signingKeyAt(set.keys, 'ES256', 100_000)?.kid, 'ES256-2');
  const moved = await advanceKeySet(set, ['ES256'], schedule, 100_500, newKey);
  t.deepEqual(states(moved.set.keys), ['ES256-1:retired', 'ES256-2:active']);
  t.is(moved.set.keys[0]?.removesAt, 120_500);
  t.deepEqual(
    publishedAt(moved.set.keys, 120_499).map((key) => key.kid),
    ['ES256-1', 'ES256-2'],
    'retired keys stay published for the retention',
  );
  t.deepEqual(
    publishedAt(moved.set.keys, 120_500).map((key) => key.kid),
    ['ES256-2'],
  );
  const again = await advanceKeySet(moved.set, ['ES256'], schedule, 100_500, newKey);
  t.deepEqual(again.transitions, [], "advancing twice at the same moment changes nothing (a crashed holder's successor completes, never repeats)");
  const removed = await advanceKeySet(moved.set, ['ES256'], schedule, 121_000, newKey);
  t.deepEqual(states(removed.set.keys), ['ES256-2:active']);
  t.deepEqual(
    removed.transitions.map((transition) => transition.kind),
    ['removed'],
  );
});

test('a late transition still gives the next key its full lead time', async (t) => {
  const newKey = keyMaker();
  const { set } = await advanceKeySet(emptyKeySet(), ['ES256'], schedule, 0, newKey);
  const late = await advanceKeySet(set, ['ES256'], schedule, 500_000, newKey);
  t.is(late.set.keys.find((key) => key.state === 'next')?.activatesAt, 510_000);
  t.is(nextTransitionAt(late.set, schedule), 510_000);
});

test('rotate now keeps the lead time; revoke promotes the published next key at once, else makes a fresh one', async (t) => {
  const newKey = keyMaker();
  const { set } = await advanceKeySet(emptyKeySet(), ['ES256'], schedule, 0, newKey);
  const rotated = await rotateNow(set, 'ES256', schedule, 1_000, newKey);
  t.is(rotated.activatesAt, 11_000);
  const revoked = await revokeKey(rotated.set, 'ES256-1', 2_000, newKey);
  t.deepEqual(states(revoked?.set.keys ?? []), ['ES256-2:active']);
  t.deepEqual(
    revoked?.set.revoked.map((entry) => entry.kid),
    ['ES256-1'],
  );
  const alone = await revokeKey(revoked!.set, 'ES256-2', 3_000, newKey);
  t.deepEqual(states(alone?.set.keys ?? []), ['ES256-3:active']);
  t.is(await revokeKey(alone!.set, 'nope', 3_000, newKey), undefined);
});
