import test from 'ava';
import { createLocalJWKSet, errors, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload, type JWTVerifyGetKey } from 'jose';

import { createVerificationMemo } from '../../src/keys/verification-memo.ts';

async function issuer(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256' };
  const sign = (lifetimeSeconds: number) =>
    new SignJWT({ sub: 'ada' })
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
      .sign(privateKey);
  return { jwk, sign };
}

/** A memo around real verifications, counting how many really ran. */
function counted() {
  const memo = createVerificationMemo<JWTPayload>(3);
  let verifications = 0;
  const verify = (token: string, keys: JWTVerifyGetKey) =>
    memo.verify(
      token,
      keys,
      async (getKey) => {
        verifications += 1;
        return (await jwtVerify(token, getKey)).payload;
      },
      (payload) => payload.exp,
    );
  return { verify, verifications: () => verifications };
}

test('the same token is verified once and recalled while the key that verified it is still the one selected', async (t) => {
  const first = await issuer('k1');
  const keys = createLocalJWKSet({ keys: [first.jwk] });
  const { verify, verifications } = counted();
  const token = await first.sign(600);
  t.is((await verify(token, keys)).sub, 'ada');
  t.is((await verify(token, keys)).sub, 'ada');
  t.is(verifications(), 1);
  await verify(await first.sign(601), keys);
  t.is(verifications(), 2, 'other bytes are verified');
});

test('a key that left the set or was replaced ends the recall: the verification runs and fails as it would', async (t) => {
  const first = await issuer('k1');
  const other = await issuer('k2');
  const { verify, verifications } = counted();
  const token = await first.sign(600);
  await verify(token, createLocalJWKSet({ keys: [first.jwk] }));
  await t.throwsAsync(verify(token, createLocalJWKSet({ keys: [other.jwk] })), { instanceOf: errors.JWKSNoMatchingKey });
  const impostor = await issuer('k1');
  await t.throwsAsync(
    verify(token, createLocalJWKSet({ keys: [impostor.jwk] })),
    { instanceOf: errors.JWSSignatureVerificationFailed },
    'same kid, another key',
  );
  t.is(verifications(), 2, 'the removed key fails before the verification, in getKey, as jose would');
});

test('a token is recalled only until its exp, and a token that failed is never remembered', async (t) => {
  const first = await issuer('k1');
  const keys = createLocalJWKSet({ keys: [first.jwk] });
  const { verify, verifications } = counted();
  const shortLived = await first.sign(1);
  await verify(shortLived, keys);
  await new Promise((resolve) => setTimeout(resolve, 2100));
  await t.throwsAsync(verify(shortLived, keys), { instanceOf: errors.JWTExpired });
  t.is(verifications(), 2);

  const tampered = `${(await first.sign(600)).slice(0, -4)}AAAA`;
  await t.throwsAsync(verify(tampered, keys));
  await t.throwsAsync(verify(tampered, keys));
  t.is(verifications(), 4);
});

test('the memo holds at most its bound, the least recently used going first', async (t) => {
  const first = await issuer('k1');
  const keys = createLocalJWKSet({ keys: [first.jwk] });
  const { verify, verifications } = counted();
  const tokens = await Promise.all([600, 601, 602, 603].map((lifetime) => first.sign(lifetime)));
  for (const token of tokens.slice(0, 3)) await verify(token, keys);
  await verify(tokens[0] as string, keys); // used again: the oldest is now tokens[1]
  await verify(tokens[3] as string, keys);
  t.is(verifications(), 4);
  await verify(tokens[0] as string, keys);
  t.is(verifications(), 4, 'kept');
  await verify(tokens[1] as string, keys);
  t.is(verifications(), 5, 'dropped');
});
