import test from 'ava';
import { SignJWT, UnsecuredJWT, base64url } from 'jose';

import { AssertionError } from '../../src/federation/assertion-error.ts';
import { createAssertionVerifier } from '../../src/federation/assertion-verifier.ts';
import type { FederatedIdentity } from '../../src/federation/federated-identity.ts';
import type { TrustedIssuer } from '../../src/federation/trusted-issuer.ts';
import { createTrustedIssuers } from '../../src/federation/trusted-issuers.ts';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.ts';

const tollgate = 'https://tollgate.example';

async function setup(t: { teardown(fn: () => Promise<void>): void }, trust: (issuer: TestIssuer) => TrustedIssuer = (issuer) => ({ issuer: issuer.issuer })) {
  const issuer = await startTestIssuer();
  t.teardown(() => issuer.stop());
  const issuers = createTrustedIssuers([trust(issuer)], { cooldownMs: 60_000, failureBackoffMs: 60_000 });
  const verifier = createAssertionVerifier({ issuers, defaultAudience: tollgate, maxLifetimeSeconds: 3600 });
  return { issuer, issuers, verifier };
}

const refusedWith = async (t: { throwsAsync: (p: Promise<unknown>, e: object) => Promise<unknown> }, promise: Promise<unknown>, code: string) =>
  t.throwsAsync(promise, { instanceOf: AssertionError, code } as object);

test('a Kubernetes service-account token proves the identity with its subject', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 'system:serviceaccount:payments:api', conditions: { 'kubernetes.io.namespace': 'payments' } };
  const token = await issuer.kubernetesToken('payments', 'api', tollgate);
  t.deepEqual(await verifier.verify(token, [identity]), identity);
});

test('a GitHub Actions token matches the identity whose subject, audience and conditions hold', async (t) => {
  const { issuer, verifier } = await setup(t);
  const other: FederatedIdentity = { issuer: issuer.issuer, subject: 'repo:qgis/plugin-x:ref:refs/heads/main', conditions: { environment: 'production' } };
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 'repo:qgis/plugin-x:ref:refs/heads/main', audience: 'tollgate-ci', conditions: { repository: 'qgis/plugin-x', job_workflow_ref: 'qgis/plugin-x/.github/workflows/release.yml@refs/heads/main' } };
  const token = await issuer.githubActionsToken('qgis/plugin-x', 'refs/heads/main', 'tollgate-ci');
  t.deepEqual(await verifier.verify(token, [other, identity]), identity);
});

test('keys given statically verify without any request to the issuer', async (t) => {
  const { issuer, verifier } = await setup(t, (running) => ({ issuer: running.issuer, jwks: running.publicJwks() as TrustedIssuer['jwks'] }));
  const token = await issuer.kubernetesToken('ci', 'runner', tollgate);
  await t.notThrowsAsync(verifier.verify(token, [{ issuer: issuer.issuer, subject: 'system:serviceaccount:ci:runner' }]));
  t.is(issuer.count('/openid/v1/jwks') + issuer.count('/.well-known/openid-configuration'), 0);
});

test('refusals name the failed check', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 'system:serviceaccount:payments:api', conditions: { 'kubernetes.io.namespace': 'payments' } };
  const now = Math.floor(Date.now() / 1000);
  const sub = identity.subject;
  await refusedWith(t, verifier.verify('not-a-jwt', [identity]), 'malformed');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub, aud: 'https://elsewhere' }), [identity]), 'audience');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub: 'system:serviceaccount:payments:other', aud: tollgate }), [identity]), 'subject');
  await refusedWith(t, verifier.verify(await issuer.kubernetesToken('other', 'api', tollgate, { sub }), [identity]), 'condition');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub, aud: tollgate }, { issuedAt: now - 700 }), [identity]), 'expired');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub, aud: tollgate }, { lifetimeSeconds: 7200 }), [identity]), 'lifetime');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub, aud: tollgate, nbf: now + 600 }), [identity]), 'not_yet_valid');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub, aud: tollgate, iat: now + 600, exp: now + 900 }), [identity]), 'issued_at');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub, aud: tollgate, iat: undefined }), [identity]), 'issued_at');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub, aud: tollgate }), [{ ...identity, issuer: 'https://other.example' }]), 'issuer_not_federated');
  const forged = await issuer.mint({ sub, aud: tollgate });
  const [head, body] = forged.split('.');
  await refusedWith(t, verifier.verify(`${head}.${body}.${base64url.encode('not the signature')}`, [identity]), 'signature');
});

test('within the skew an expired token is still accepted, beyond it not', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  const now = Math.floor(Date.now() / 1000);
  await t.notThrowsAsync(verifier.verify(await issuer.mint({ sub: 's', aud: tollgate, iat: now - 330, exp: now - 30 }), [identity]));
  await refusedWith(t, verifier.verify(await issuer.mint({ sub: 's', aud: tollgate, iat: now - 400, exp: now - 90 }), [identity]), 'expired');
});

test('an untrusted issuer is refused before any key is fetched', async (t) => {
  const { issuer, verifier } = await setup(t);
  const stranger = await startTestIssuer();
  t.teardown(() => stranger.stop());
  const token = await stranger.mint({ sub: 's', aud: tollgate });
  await refusedWith(t, verifier.verify(token, [{ issuer: stranger.issuer, subject: 's' }]), 'untrusted_issuer');
  t.is(stranger.count('/openid/v1/jwks'), 0);
  t.is(issuer.count('/openid/v1/jwks'), 0);
});

test('alg none and HS256 keyed with the issuer public key are refused', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer.issuer, sub: 's', aud: tollgate, iat: now, exp: now + 300 };
  await refusedWith(t, verifier.verify(new UnsecuredJWT(claims).encode(), [identity]), 'algorithm');
  const publicKeyBytes = new TextEncoder().encode(JSON.stringify(issuer.publicJwks().keys[0]));
  const hmac = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'key-1' }).sign(publicKeyBytes);
  await refusedWith(t, verifier.verify(hmac, [identity]), 'algorithm');
});

test('an unknown kid fetches the keys once more and verifies with the new key', async (t) => {
  const { issuer, issuers, verifier } = await setup(t);
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  await verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]);
  t.is(issuer.count('/openid/v1/jwks'), 1);
  await issuer.rotate();
  await t.notThrowsAsync(verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]));
  t.is(issuer.count('/openid/v1/jwks'), 2);
  t.is(issuer.count('/.well-known/openid-configuration'), 1);
  t.true(issuers.has(issuer.issuer));
});

test('a burst of unknown kids causes one refetch, not one per request', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  await verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]);
  const burst = await Promise.all(Array.from({ length: 50 }, (_, index) => issuer.mint({ sub: 's', aud: tollgate }, { kid: `unknown-${index}` })));
  const outcomes = await Promise.allSettled(burst.map((token) => verifier.verify(token, [identity])));
  t.true(outcomes.every((outcome) => outcome.status === 'rejected' && (outcome.reason as AssertionError).code === 'unknown_key'));
  t.is(issuer.count('/openid/v1/jwks'), 2);
  // Later unknown kids within the cooldown ask nobody.
  await refusedWith(t, verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }, { kid: 'unknown-late' }), [identity]), 'unknown_key');
  t.is(issuer.count('/openid/v1/jwks'), 2);
});

test('an issuer that is down fails its assertions fast, and the fetch is not repeated within the backoff', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  issuer.setDown(true);
  await refusedWith(t, verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]), 'issuer_unavailable');
  await refusedWith(t, verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]), 'issuer_unavailable');
  t.is(issuer.count('/.well-known/openid-configuration'), 1);
});

test('the error message never contains the assertion', async (t) => {
  const { issuer, verifier } = await setup(t);
  const token = await issuer.mint({ sub: 'someone', aud: tollgate });
  const error = await t.throwsAsync(verifier.verify(token, [{ issuer: issuer.issuer, subject: 's' }]));
  t.false(error?.message.includes(token.split('.')[1] as string));
});
