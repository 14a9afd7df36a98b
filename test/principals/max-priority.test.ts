import test from 'ava';

import { parseMaxPriority } from '../../src/principals/max-priority.ts';

test('a map of queue names to non-negative integers is accepted as a fresh copy', (t) => {
  const input = { default: 5, 'nightly.arm64': 0, 'lab:*': 9 };
  const parsed = parseMaxPriority(input);
  t.deepEqual(parsed, input);
  t.not(parsed, input);
});

test('anything but an object is refused as invalid_field naming the field', (t) => {
  for (const value of [null, 5, 'default=5', [1, 2]]) {
    t.throws(() => parseMaxPriority(value, 'maxPriority'), { code: 'invalid_field', message: /^maxPriority: must be an object/ });
  }
});

test('a bad queue name or priority is refused naming the queue', (t) => {
  t.throws(() => parseMaxPriority({ '-lead': 1 }), { code: 'invalid_field', message: /^max_priority\.-lead: queue names/ });
  t.throws(() => parseMaxPriority({ 'has space': 1 }), { code: 'invalid_field' });
  for (const priority of [-1, 1.5, '3', Number.MAX_SAFE_INTEGER + 1]) {
    const error = t.throws(() => parseMaxPriority({ q: priority }), { code: 'invalid_field' });
    t.is((error as { field?: string }).field, 'max_priority.q');
  }
});

test('more than 256 queues are refused', (t) => {
  const many = Object.fromEntries(Array.from({ length: 257 }, (_, index) => [`q${index}`, 1]));
  t.throws(() => parseMaxPriority(many), { code: 'invalid_field', message: /at most 256 queues/ });
  t.notThrows(() => parseMaxPriority(Object.fromEntries(Object.entries(many).slice(0, 256))));
});
