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
  t.is(narrowMaxPriority({ a: 1 }, { a: 1 }, undefined), undefined);
  t.false('max_priority' in exchangedClaims('gateway', undefined, narrowMaxPriority({ a: 1 }, { b: 1 })));
  t.deepEqual(exchangedClaims('gateway', undefined, narrowMaxPriority({ a: 3 }, { a: 1 })), { act: { sub: 'gateway' }, max_priority: { a: 1 } });
});

test('a second hop stays within the subject token’s own map: {default 5, nightly 2} never becomes {default 3, nightly 9, gpu 1}', (t) => {
  const person = { default: 5, nightly: 9, gpu: 1 };
  const firstHop = narrowMaxPriority(person, { default: 5, nightly: 2 }, person);
  t.deepEqual(firstHop, { default: 5, nightly: 2 });
  t.deepEqual(narrowMaxPriority(person, { default: 3, nightly: 9, gpu: 1 }, firstHop), { default: 3, nightly: 2 });
});

test('queue names that are Object.prototype members are queues like any other', (t) => {
  const narrowed = narrowMaxPriority(
    { toString: 4, constructor: 2, valueOf: 1 },
    { toString: 3, constructor: 7 },
    JSON.parse('{"toString": 9, "constructor": 9, "hasOwnProperty": 1}'),
  );
  t.deepEqual(narrowed, { toString: 3, constructor: 2 });
  t.is(JSON.stringify(narrowed), '{"toString":3,"constructor":2}');
  // A queue one side lacks is absent even when Object.prototype has a member of that name.
  t.is(narrowMaxPriority({ toString: 1 }, { other: 1 }), undefined);
});
