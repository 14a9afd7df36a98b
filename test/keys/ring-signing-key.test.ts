import test from 'ava';
import { compactVerify, importJWK, type JWK } from 'jose';

import { createKeyRing, publicJwkOf, ringKey } from '../../src/keys/key-ring.ts';
import { RingSigningKey } from '../../src/keys/ring-signing-key.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import type { StoredKey } from '../../src/keys/key-set-document.ts';
import { signingAlgs } from '../../src/resources/resource-server-record.ts';

const stored = (jwk: JWK, state: StoredKey['state']): StoredKey => ({
  kid: jwk.kid as string,
  alg: 'ES256',
  state,
  createdAt: 0,
  activatesAt: 0,
  origin: 'generated',
  publicJwk: publicJwkOf(jwk, 'ES256'),
  sealed: { iv: '', tag: '', data: '' },
});

const signingInput = (kid: string, alg: string) =>
  Buffer.from(`${Buffer.from(JSON.stringify({ alg, kid })).toString('base64url')}.${Buffer.from('{}').toString('base64url')}`);

test('the provider key signs with the key its header names, even after the ring switched', async (t) => {
  const [old, fresh] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('ES256')]);
  const ring = createKeyRing();
  ring.replace([ringKey(stored(old, 'active'), old)], 1);
  const key = new RingSigningKey(ring, 'ES256');
  const kid = key.kid;
  t.is(kid, old.kid as string);
  ring.replace([ringKey(stored(old, 'retired'), old), ringKey(stored(fresh, 'active'), fresh)], 2);
  t.is(key.kid, fresh.kid as string, 'picks the new key from now on');
  const input = signingInput(kid, 'ES256');
  const signature = Buffer.from(await key.sign(input)).toString('base64url');
  await t.notThrowsAsync(
    compactVerify(`${input.toString()}.${signature}`, await importJWK(publicJwkOf(old, 'ES256'), 'ES256')),
    'signed by the key its header names',
  );
  ring.replace([ringKey(stored(fresh, 'active'), fresh)], 3);
  await t.throwsAsync(
    async () => key.sign(input),
    { message: /no longer in the key set/ },
    'a key revoked in between never signs, its header read before or not',
  );
});

for (const alg of signingAlgs) {
  test(`${alg}: signatures verify as JWS (${alg === 'ES256' ? 'IEEE P1363, not DER' : 'RFC 7518 / RFC 8037'})`, async (t) => {
    const jwk = await generateSigningKey(alg);
    const ring = createKeyRing();
    ring.replace([ringKey({ ...stored(jwk, 'active'), alg, publicJwk: publicJwkOf(jwk, alg) }, jwk)], 1);
    const key = new RingSigningKey(ring, alg);
    const input = signingInput(key.kid, alg);
    const signature = Buffer.from(await key.sign(input)).toString('base64url');
    await t.notThrowsAsync(compactVerify(`${input.toString()}.${signature}`, await importJWK(publicJwkOf(jwk, alg), alg)));
  });
}
