import test from 'ava';
import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

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

test('docs/team-tokens.md gives secret scanners the pattern and the checksum tokens have', async (t) => {
  const section = (await readFile(new URL('../../docs/team-tokens.md', import.meta.url), 'utf8')).split('## If a token leaks')[1]?.split('\n## ')[0] ?? '';
  const documented = /```\n(.+)\n```/.exec(section)?.[1];
  t.is(documented, resourceTokenPattern.source);
  t.regex(section, /CRC32 of everything before them, written in base62\s+with the digits `0-9A-Za-z`, most significant first, padded with `0` to 6/);
  // The checksum as a scanner would compute it from that sentence.
  const digits = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const scannerChecksum = (body: string) => {
    let value = crc32(body);
    let text = '';
    while (value > 0) {
      text = digits[value % 62] + text;
      value = Math.floor(value / 62);
    }
    return text.padStart(6, '0');
  };
  for (let index = 0; index < 50; index += 1) {
    const value = newResourceTokenValue(newResourceTokenId());
    t.true(new RegExp(documented ?? '$^').test(value));
    t.is(scannerChecksum(value.slice(0, -6)), value.slice(-6));
  }
});
