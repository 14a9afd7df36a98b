import test from 'ava';

import {
  isResourceTokenId,
  newResourceTokenId,
  newResourceTokenValue,
  resourceTokenIdOf,
  resourceTokenPattern,
} from '../../src/kernel/resource-token-format.ts';

test('a value carries the prefix, its id, 256 bits of secret and a checksum, and matches the documented pattern', (t) => {
  const id = newResourceTokenId();
  const value = newResourceTokenValue(id);
  t.true(isResourceTokenId(id));
  t.true(value.startsWith(`${id}_`));
  t.true(resourceTokenPattern.test(value));
  t.is(value.length, 'tgrt_'.length + 12 + 1 + 43 + 6);
  // 43 characters of 62 possible each: log2(62) * 43 = 256.03 bits.
  t.true(Math.log2(62) * 43 >= 256);
  t.is(resourceTokenIdOf(value), id);
});

test('a value with one character changed fails its checksum', (t) => {
  const value = newResourceTokenValue(newResourceTokenId());
  const position = 30;
  const changed = value.slice(0, position) + (value[position] === 'a' ? 'b' : 'a') + value.slice(position + 1);
  t.is(resourceTokenIdOf(changed), undefined);
});

test('two values never repeat and an embedded value is found by the scanner pattern', (t) => {
  const id = newResourceTokenId();
  const a = newResourceTokenValue(id);
  const b = newResourceTokenValue(id);
  t.not(a, b);
  t.true(resourceTokenPattern.test(`export TOKEN="${a}"\n`));
});

test('ordinary client ids and malformed values are not resource tokens', (t) => {
  t.false(isResourceTokenId('demo-service'));
  t.false(isResourceTokenId('tgrt_short'));
  t.is(resourceTokenIdOf('tgrt_abc'), undefined);
  t.is(resourceTokenIdOf(''), undefined);
});
