import test from 'ava';

import { pageAfterSignIn } from '../../src/token-pages/token-pages-sign-in.ts';

test('after signing in the person goes to the token page they asked for, never anywhere else', (t) => {
  t.is(pageAfterSignIn('/tokens/resources/https%3A%2F%2Fapi.example'), '/tokens/resources/https%3A%2F%2Fapi.example');
  t.is(pageAfterSignIn('/tokens'), '/tokens');
  for (const elsewhere of [
    'https://evil.example/tokens',
    '//evil.example',
    '/tokens/../admin',
    '/tokens/%2e%2e/admin',
    '/tokens/.',
    '/tokensx',
    '/tokens//evil.example',
    '/tokens/sign-in',
    '/admin',
    undefined,
    ['/tokens'],
    `/tokens/${'a'.repeat(600)}`,
  ]) {
    t.is(pageAfterSignIn(elsewhere), '/tokens', String(elsewhere));
  }
});
