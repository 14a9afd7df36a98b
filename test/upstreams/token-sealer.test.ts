import test from 'ava';

import { createTokenSealer } from '../../src/upstreams/token-sealer.ts';

const key = (n: number) => `cookie-key-${n}-0123456789abcdef0123456789`;

test('a sealed value opens with the same keys and does not show its plaintext', (t) => {
  const sealer = createTokenSealer([key(1)]);
  const sealed = sealer.seal('upstream-refresh-token');
  t.false(sealed.includes('upstream-refresh-token'));
  t.not(sealer.seal('upstream-refresh-token'), sealed, 'a fresh IV every time');
  t.is(sealer.open(sealed), 'upstream-refresh-token');
});

test('after a key rotation the old key still opens; an unknown key or a tampered value does not', (t) => {
  const sealed = createTokenSealer([key(1)]).seal('secret');
  t.is(createTokenSealer([key(2), key(1)]).open(sealed), 'secret');
  t.is(createTokenSealer([key(3)]).open(sealed), undefined);
  const [version, iv, body, tag] = sealed.split('.') as [string, string, string, string];
  const flipped = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
  t.is(createTokenSealer([key(1)]).open([version, iv, flipped, tag].join('.')), undefined);
  t.is(createTokenSealer([key(1)]).open('not sealed'), undefined);
});
