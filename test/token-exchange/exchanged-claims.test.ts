import test from 'ava';

import { actClaim, exchangedClaims, narrowMaxPriority } from '../../src/token-exchange/exchanged-claims.ts';

test('act names the acting client, nesting the subject token’s act (RFC 8693 §4.1)', (t) => {
  t.deepEqual(actClaim('gateway', undefined), { sub: 'gateway' });
  t.deepEqual(actClaim('backend', { sub: 'gateway' }), { sub: 'backend', act: { sub: 'gateway' } });
  t.deepEqual(actClaim('c', { sub: 'b', act: { sub: 'a' } }), { sub: 'c', act: { sub: 'b', act: { sub: 'a' } } });
});

test('a malformed previous act is not carried on', (t) => {
  t.deepEqual(actClaim('gateway', 'someone'), { sub: 'gateway' });
  t.deepEqual(actClaim('gateway', { sub: 1 }), { sub: 'gateway' });
  t.deepEqual(actClaim('gateway', { sub: 'a', act: [] }), { sub: 'gateway' });
});

test('max_priority keeps the queues both maps have, each at the lower value', (t) => {
  t.deepEqual(narrowMaxPriority({ default: 5, gpu: 1, other: 3 }, { default: 2, gpu: 9 }), { default: 2, gpu: 1 });
  t.deepEqual(narrowMaxPriority({ q: 0 }, { q: 4 }), { q: 0 });
});

test('max_priority is absent when either side has none or they share no queue', (t) => {
  t.is(narrowMaxPriority(undefined, { q: 1 }), undefined);
  t.is(narrowMaxPriority({ q: 1 }, undefined), undefined);
  t.is(narrowMaxPriority({ a: 1 }, { b: 1 }), undefined);
  t.false('max_priority' in exchangedClaims('gateway', undefined, { a: 1 }, { b: 1 }));
  t.deepEqual(exchangedClaims('gateway', undefined, { a: 3 }, { a: 1 }), { act: { sub: 'gateway' }, max_priority: { a: 1 } });
});
