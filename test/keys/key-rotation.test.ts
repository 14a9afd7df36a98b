import test from 'ava';

import { AppError } from '../../src/errors.ts';
import { addKey, describeKeys, promoteKey, retireKey } from '../../src/keys/key-rotation.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';

const kids = (keys: Array<{ kid?: string }>) => keys.map((key) => key.kid);

test('the first key of each type signs; add publishes after the others of its type', async (t) => {
  const [es1, rs1, es2] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('RS256'), generateSigningKey('ES256')]);
  const keys = addKey([es1, rs1], es2);
  t.deepEqual(
    describeKeys(keys).map((key) => [key.kid, key.alg, key.role]),
    [
      [es1.kid, 'ES256', 'signing'],
      [rs1.kid, 'RS256', 'signing'],
      [es2.kid, 'ES256', 'published'],
    ],
  );
  t.throws(() => addKey(keys, es2), { instanceOf: AppError, message: /already/ });
});

test('promote moves a key ahead of the others of its type only', async (t) => {
  const [rs, es1, es2] = await Promise.all([generateSigningKey('RS256'), generateSigningKey('ES256'), generateSigningKey('ES256')]);
  t.deepEqual(kids(promoteKey([rs, es1, es2], es2.kid as string)), [rs.kid, es2.kid, es1.kid]);
  t.deepEqual(kids(promoteKey([rs, es1, es2], es1.kid as string)), [rs.kid, es1.kid, es2.kid], 'already signing: unchanged');
  const missing = t.throws(() => promoteKey([rs], 'nope'), { instanceOf: AppError });
  t.is(missing?.code, 'not_found');
});

test('retire removes a published key and refuses a signing one', async (t) => {
  const [es1, es2] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('ES256')]);
  t.deepEqual(kids(retireKey([es1, es2], es2.kid as string)), [es1.kid]);
  const refused = t.throws(() => retireKey([es1, es2], es1.kid as string), { instanceOf: AppError });
  t.is(refused?.code, 'conflict');
});
