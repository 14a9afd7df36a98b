import test from 'ava';

import { randomPoolBytes } from '../../src/kernel/random-pool.ts';

test('the random pool hands out each byte once, across refills', (t) => {
  const drawn = new Set<string>();
  // 300 draws of 32 bytes span more than two 4 KiB fills.
  for (let i = 0; i < 300; i++) drawn.add(randomPoolBytes(32).toString('hex'));
  t.is(drawn.size, 300);
  const held = randomPoolBytes(12);
  const copy = Buffer.from(held);
  for (let i = 0; i < 400; i++) randomPoolBytes(32);
  t.deepEqual(held, copy, 'a drawn buffer is its own, not a view of the pool');
  t.throws(() => randomPoolBytes(5000), { instanceOf: RangeError });
});
