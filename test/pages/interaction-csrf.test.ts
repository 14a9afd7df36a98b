import test from 'ava';

import { createInteractionCsrf } from '../../src/pages/interaction-csrf.ts';

const key = 'k'.repeat(32);
const older = 'o'.repeat(32);

test('a token verifies for its own interaction only', (t) => {
  const csrf = createInteractionCsrf([key]);
  const token = csrf.token('uid-1');
  t.true(csrf.verify('uid-1', token));
  t.false(csrf.verify('uid-2', token));
});

test('missing, malformed and oversized tokens are refused', (t) => {
  const csrf = createInteractionCsrf([key]);
  for (const presented of [undefined, '', 'not-a-token', 42, 'A'.repeat(200)]) t.false(csrf.verify('uid-1', presented));
});

test('a token signed with a previous cookie key still verifies after rotation', (t) => {
  const before = createInteractionCsrf([older]);
  const after = createInteractionCsrf([key, older]);
  t.true(after.verify('uid-1', before.token('uid-1')));
  t.false(createInteractionCsrf([key]).verify('uid-1', before.token('uid-1')));
});
