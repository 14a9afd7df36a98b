import test from 'ava';
import { z } from 'zod';

import { maxPrioritySchema, parseMaxPriority } from '../../src/principals/max-priority.ts';

test('a valid map comes back as a fresh copy', (t) => {
  const input = { default: 3, 'gpu-large': 0, 'lab:*': 7 };
  const parsed = parseMaxPriority(input);
  t.deepEqual(parsed, input);
  t.not(parsed, input);
});

const invalid: [string, unknown, string][] = [
  ['an array', [1], 'max_priority'],
  ['null', null, 'max_priority'],
  ['a negative priority', { q: -1 }, 'max_priority.q'],
  ['a fractional priority', { q: 1.5 }, 'max_priority.q'],
  ['a string priority', { q: '1' }, 'max_priority.q'],
  ['a queue name with a space', { 'a b': 1 }, 'max_priority.a b'],
  ['a queue name starting with a dot', { '.q': 1 }, 'max_priority..q'],
  ['too many queues', Object.fromEntries(Array.from({ length: 257 }, (_, index) => [`q${index}`, 1])), 'max_priority'],
];
for (const [what, value, field] of invalid) {
  test(`${what} is refused naming ${field}`, (t) => {
    const error = t.throws(() => parseMaxPriority(value), { instanceOf: Error }) as Error & { code: string; field: string };
    t.is(error.code, 'invalid_field');
    t.is(error.field, field);
  });
}

test('inside a larger schema a problem is reported at the field and queue', (t) => {
  const schema = z.object({ limits: maxPrioritySchema.optional() });
  t.deepEqual(schema.parse({}), {});
  const result = schema.safeParse({ limits: { q: -1 } });
  t.false(result.success);
  t.deepEqual(result.error?.issues[0]?.path, ['limits', 'q']);
});

test('parseMaxPriority names the field it is given', (t) => {
  t.throws(() => parseMaxPriority({ q: -1 }, 'clients.0.maxPriority'), { message: /^clients\.0\.maxPriority\.q: / });
});
