import test from 'ava';

import { actorsOf } from '../../src/token-exchange/act-chain.ts';

test('actorsOf lists the act chain, the current actor first; no claim is no actor', (t) => {
  t.deepEqual(actorsOf(undefined), []);
  t.deepEqual(actorsOf({ sub: 'c', act: { sub: 'b', act: { sub: 'a' } } }), ['c', 'b', 'a']);
});

test('actorsOf refuses a malformed or absurdly deep chain', (t) => {
  t.is(actorsOf('someone'), undefined);
  t.is(actorsOf({ sub: 'a', act: [] }), undefined);
  t.is(actorsOf({ sub: 1 }), undefined);
  let deep: unknown = { sub: 'x' };
  for (let i = 0; i < 40; i++) deep = { sub: `x${i}`, act: deep };
  t.is(actorsOf(deep), undefined);
});
