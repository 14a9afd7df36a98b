import { generateKeyPairSync, sign, verify } from 'node:crypto';
import test from 'ava';

import { ieeeP1363FromDer } from '../../src/keys/ecdsa-signature.ts';

test('every DER signature of P-256 converts to the P1363 form node:crypto verifies, short r and s included', (t) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from('header.payload');
  let shortValues = 0;
  // About one value in 128 has a leading zero byte: 3,000 signatures hold a few dozen.
  for (let i = 0; i < 3000; i++) {
    const der = sign('sha256', data, privateKey);
    const p1363 = ieeeP1363FromDer(der, 32);
    t.is(p1363.length, 64);
    if (!verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, p1363)) t.fail(`signature ${i} does not verify`);
    if (p1363[0] === 0 || p1363[32] === 0) shortValues++;
  }
  t.true(shortValues > 0, 'values shorter than 32 bytes were among them');
});

const der = (...parts: number[][]) => {
  const body = parts.flatMap((value) => [0x02, value.length, ...value]);
  return Uint8Array.from([0x30, body.length, ...body]);
};

test('a leading sign byte is dropped and short values are left-padded', (t) => {
  const r = [0x00, 0x80, ...Array<number>(31).fill(0x11)];
  const s = [0x05];
  const out = ieeeP1363FromDer(der(r, s), 32);
  t.deepEqual([...out.subarray(0, 32)], [0x80, ...Array<number>(31).fill(0x11)]);
  t.deepEqual([...out.subarray(32)], [...Array<number>(31).fill(0), 0x05]);
});

test('anything but one SEQUENCE of two INTEGERs within the curve size is refused', (t) => {
  const r = Array<number>(32).fill(1);
  const good = der(r, r);
  t.notThrows(() => ieeeP1363FromDer(good, 32));
  t.throws(() => ieeeP1363FromDer(Uint8Array.from([0x31, ...good.subarray(1)]), 32), { instanceOf: TypeError });
  t.throws(() => ieeeP1363FromDer(Uint8Array.from([...good, 0x00]), 32), { instanceOf: TypeError });
  t.throws(() => ieeeP1363FromDer(good.subarray(0, good.length - 1), 32), { instanceOf: TypeError });
  t.throws(() => ieeeP1363FromDer(der([0x01, ...r], r), 32), { instanceOf: TypeError }, 'r larger than 32 bytes');
  t.throws(() => ieeeP1363FromDer(der(r), 32), { instanceOf: TypeError }, 's missing');
});
