import test from 'ava';

import type { SecretHash } from '../../src/clients/client-record.ts';
import { generateClientSecret, hashClientSecret, rememberingSecretCheck } from '../../src/clients/client-secret.ts';

const pepper = 'unit-test-pepper-0123456789abcdef0123';

test('the remembered check accepts a secret in force and refuses others, before and after remembering', (t) => {
  const accepts = rememberingSecretCheck(pepper);
  const secret = generateClientSecret();
  const secrets: SecretHash[] = [{ hash: hashClientSecret(secret, pepper) }];
  t.false(accepts(secrets, generateClientSecret()));
  t.true(accepts(secrets, secret));
  t.true(accepts(secrets, secret));
  t.false(accepts(secrets, `${secret}x`));
  t.false(accepts(secrets, secret.slice(0, -1)));
  t.false(accepts(secrets, ''));
});

test('a remembered previous secret stops being accepted when its overlap window ends', async (t) => {
  const accepts = rememberingSecretCheck(pepper);
  const current = generateClientSecret();
  const previous = generateClientSecret();
  const secrets: SecretHash[] = [
    { hash: hashClientSecret(current, pepper) },
    { hash: hashClientSecret(previous, pepper), expiresAt: new Date(Date.now() + 100).toISOString() },
  ];
  t.true(accepts(secrets, previous));
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.false(accepts(secrets, previous));
  t.true(accepts(secrets, current));
});

test('a new secrets list, as after a rotation, forgets the remembered secret', (t) => {
  const accepts = rememberingSecretCheck(pepper);
  const old = generateClientSecret();
  t.true(accepts([{ hash: hashClientSecret(old, pepper) }], old));
  const rotated = generateClientSecret();
  const afterRotation: SecretHash[] = [{ hash: hashClientSecret(rotated, pepper) }];
  t.false(accepts(afterRotation, old));
  t.true(accepts(afterRotation, rotated));
});

test('without a pepper, plain SHA-256 hashes are checked the same way', (t) => {
  const accepts = rememberingSecretCheck(undefined);
  const secret = generateClientSecret();
  const secrets: SecretHash[] = [{ hash: hashClientSecret(secret, undefined) }];
  t.true(accepts(secrets, secret));
  t.false(accepts(secrets, generateClientSecret()));
});
