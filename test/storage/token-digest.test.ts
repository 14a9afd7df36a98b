import { createHash, createHmac, randomBytes } from 'node:crypto';
import test from 'ava';

import { createTokenDigest, sha256 } from '../../src/storage/token-digest.ts';

test('names are HMAC-SHA-256 under the pepper, or plain SHA-256 without one, as stored keys were written', (t) => {
  const credential = randomBytes(32).toString('base64url');
  t.is(createTokenDigest('the-pepper').name(credential), createHmac('sha256', 'the-pepper').update(credential).digest('base64url'));
  t.is(createTokenDigest(undefined).name(credential), createHash('sha256').update(credential).digest('base64url'));
  t.is(sha256(credential), createHash('sha256').update(credential).digest('base64url'));
});

test('a sealed text opens with its credential only, and never holds the name or the text', (t) => {
  for (const pepper of ['the-pepper', undefined]) {
    const digest = createTokenDigest(pepper);
    const sealed = digest.seal('credential-a', '{"accountId":"alice"}');
    t.is(digest.open('credential-a', sealed), '{"accountId":"alice"}');
    t.is(digest.open('credential-b', sealed), undefined);
    t.false(sealed.includes(digest.name('credential-a')));
    t.false(Buffer.from(sealed, 'base64url').toString('latin1').includes('alice'));
    // A fresh IV each time: the same text sealed twice differs.
    t.not(digest.seal('credential-a', 'x'), digest.seal('credential-a', 'x'));
  }
});
