import test from 'ava';

import { timeAgo } from '../../src/pages/time-ago.ts';

test('the confirm page says in words how long ago the code was requested', (t) => {
  t.is(timeAgo(3), 'just now');
  t.is(timeAgo(42.7), '42 seconds ago');
  t.is(timeAgo(60), '1 minute ago');
  t.is(timeAgo(150), '2 minutes ago');
  t.is(timeAgo(7300), '2 hours ago');
});
