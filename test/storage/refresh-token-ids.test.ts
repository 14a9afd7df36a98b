import test from 'ava';

import { createRefreshTokenIds } from '../../src/storage/refresh-token-ids.ts';

const owner = { grantId: 'grant_Abc-123', accountId: 'alice@example.com' };

test('an id names its grant and account, and only ids minted under the same pepper are recognised', (t) => {
  const ids = createRefreshTokenIds('pepper-a');
  const id = ids.mint(owner);
  t.deepEqual(ids.ownerOf(id), owner);
  t.is(createRefreshTokenIds('pepper-b').ownerOf(id), undefined);
  t.not(ids.mint(owner), id);
});

test('a changed part or a made-up MAC is refused, also after the genuine id was recognised', (t) => {
  const ids = createRefreshTokenIds('pepper-a');
  const id = ids.mint(owner);
  t.truthy(ids.ownerOf(id));
  const [random, grant, account, mac] = id.split('.') as [string, string, string, string];
  const otherAccount = Buffer.from('mallory').toString('base64url');
  const flipped = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`;
  for (const forged of [
    `${random}.${grant}.${otherAccount}.${mac}`,
    `${random}.other-grant.${account}.${mac}`,
    `${random}.${grant}.${account}.${flipped}`,
    `${id}.`,
    id.slice(1),
  ]) {
    t.is(ids.ownerOf(forged), undefined, forged);
  }
  t.deepEqual(ids.ownerOf(id), owner);
});

test('the ids recognised lately are kept within a bound, and an evicted one is checked again', (t) => {
  const ids = createRefreshTokenIds('pepper-a');
  const first = ids.mint(owner);
  t.truthy(ids.ownerOf(first));
  for (let i = 0; i < 2000; i++) t.truthy(ids.ownerOf(ids.mint({ grantId: `g${i}`, accountId: 'bob' })));
  t.deepEqual(ids.ownerOf(first), owner);
});
