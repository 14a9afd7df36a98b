import test from 'ava';
import { SignJWT, UnsecuredJWT, base64url, generateKeyPair } from 'jose';

import { AssertionError } from '../../src/federation/assertion-error.ts';
import { createAssertionVerifier } from '../../src/federation/assertion-verifier.ts';
import type { FederatedIdentity } from '../../src/federation/federated-identity.ts';
import type { IssuerKeysOptions } from '../../src/federation/issuer-keys.ts';
import type { TrustedIssuer } from '../../src/federation/trusted-issuer.ts';
import { createTrustedIssuers } from '../../src/federation/trusted-issuers.ts';
import { eventually } from '../helpers/eventually.ts';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.ts';

const tollgate = 'https://tollgate.example';

async function setup(
  t: { teardown(fn: () => Promise<void>): void },
  trust: (issuer: TestIssuer) => TrustedIssuer = (issuer) => ({ issuer: issuer.issuer }),
  keyOptions: IssuerKeysOptions = { unknownKidIntervalMs: 500, failureBackoffMs: 60_000 },
) {
  const issuer = await startTestIssuer();
  t.teardown(() => issuer.stop());
  const issuers = createTrustedIssuers([trust(issuer)], keyOptions);
  const verifier = createAssertionVerifier({ issuers, defaultAudience: tollgate, maxLifetimeSeconds: 3600 });
  return { issuer, issuers, verifier };
}

const refusedWith = async (t: { throwsAsync: (p: Promise<unknown>, e: object) => Promise<unknown> }, promise: Promise<unknown>, code: string) =>
  t.throwsAsync(promise, { instanceOf: AssertionError, code } as object);

test('a Kubernetes service-account token proves the identity with its subject', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = {
    issuer: issuer.issuer,
    subject: 'system:serviceaccount:payments:api',
    conditions: { 'kubernetes.io.namespace': 'payments' },
  };
  const token = await issuer.kubernetesToken('payments', 'api', tollgate);
  t.deepEqual(await verifier.verify(token, [identity]), identity);
});

test('a GitHub Actions token matches the identity whose subject, audience and conditions hold', async (t) => {
  const { issuer, verifier } = await setup(t);
  const other: FederatedIdentity = { issuer: issuer.issuer, subject: 'repo:qgis/plugin-x:ref:refs/heads/main', conditions: { environment: 'production' } };
  const identity: FederatedIdentity = {
    issuer: issuer.issuer,
    subject: 'repo:qgis/plugin-x:ref:refs/heads/main',
    audience: 'tollgate-ci',
    conditions: { repository: 'qgis/plugin-x', job_workflow_ref: 'qgis/plugin-x/.github/workflows/release.yml@refs/heads/main' },
  };
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
  const identity: FederatedIdentity = {
    issuer: issuer.issuer,
    subject: 'system:serviceaccount:payments:api',
    conditions: { 'kubernetes.io.namespace': 'payments' },
  };
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

test('a burst of unknown kids causes one refetch, not one per request; later ones share the next after the interval', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  await verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]);
  const forged = (count: number) =>
    Promise.all(Array.from({ length: count }, () => issuer.mint({ sub: 's', aud: tollgate }, { kid: `unknown-${crypto.randomUUID()}` })));
  const outcomes = await Promise.allSettled((await forged(50)).map((token) => verifier.verify(token, [identity])));
  t.true(outcomes.every((outcome) => outcome.status === 'rejected' && (outcome.reason as AssertionError).code === 'unknown_key'));
  t.is(issuer.count('/openid/v1/jwks'), 2);
  // Within the interval (500 ms here) unknown kids wait for one shared refetch at its end.
  const started = Date.now();
  const later = await Promise.allSettled((await forged(20)).map((token) => verifier.verify(token, [identity])));
  t.true(later.every((outcome) => outcome.status === 'rejected' && (outcome.reason as AssertionError).code === 'unknown_key'));
  t.is(issuer.count('/openid/v1/jwks'), 3);
  t.true(Date.now() - started < 2000);
});

test('a real key rotation is picked up within about a second during a burst of forged kids', async (t) => {
  const { issuer, verifier } = await setup(t, undefined, { failureBackoffMs: 60_000 });
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  await verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]);
  let forging = true;
  const burst = (async () => {
    while (forging) {
      const forged = await new SignJWT({ iss: issuer.issuer, sub: 's', aud: tollgate })
        .setProtectedHeader({ alg: 'ES256', kid: `forged-${crypto.randomUUID()}` })
        .sign((await generateKeyPair('ES256')).privateKey);
      void verifier.verify(forged, [identity]).catch(() => {});
      await new Promise((done) => setTimeout(done, 50));
    }
  })();
  t.teardown(() => {
    forging = false;
  });
  await new Promise((done) => setTimeout(done, 1500));
  const rotatedAt = Date.now();
  await issuer.rotate();
  // The first assertion signed with the new key verifies: it waits for the next refetch at most.
  await t.notThrowsAsync(verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]));
  const pickUpMs = Date.now() - rotatedAt;
  forging = false;
  await burst;
  t.true(pickUpMs < 3000, `picked up after ${pickUpMs} ms`);
  t.log(`new key accepted ${pickUpMs} ms after the rotation, ${issuer.count('/openid/v1/jwks')} JWKS fetches in all`);
});

test('a hanging issuer costs one timeout; then requests fail at once, the back-off counted from the failure', async (t) => {
  const { issuer, verifier } = await setup(t, undefined, { timeoutMs: 1000, failureBackoffMs: 2000 });
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  issuer.setHanging(true);
  const token = await issuer.mint({ sub: 's', aud: tollgate });
  const timed = async () => {
    const started = Date.now();
    await refusedWith(t, verifier.verify(token, [identity]), 'issuer_unavailable');
    return Date.now() - started;
  };
  t.true((await timed()) >= 900);
  // 1200 ms after the failure, 2200 ms after the fetch began: within the back-off only when it
  // counts from the failure; the loop then runs past its end, when a retry starts in the background.
  await new Promise((done) => setTimeout(done, 1200));
  const latencies: number[] = [];
  for (let index = 0; index < 15; index++) {
    latencies.push(await timed());
    await new Promise((done) => setTimeout(done, 100));
  }
  t.true(Math.max(...latencies) < 600, `latencies ${latencies.join(' ')}`);
  // Retries ran in the background: discovery was asked again, and no request waited for it.
  t.true(issuer.count('/.well-known/openid-configuration') >= 2);
});

test('cached keys older than maxAge keep verifying while the issuer hangs; a refresh runs in the background', async (t) => {
  const { issuer, verifier } = await setup(t, undefined, { maxAgeMs: 1000, timeoutMs: 5000, failureBackoffMs: 1000 });
  const identity: FederatedIdentity = { issuer: issuer.issuer, subject: 's' };
  await verifier.verify(await issuer.mint({ sub: 's', aud: tollgate }), [identity]);
  const token = await issuer.mint({ sub: 's', aud: tollgate });
  issuer.setHanging(true);
  await new Promise((done) => setTimeout(done, 1100)); // older than maxAge, younger than twice it
  const started = Date.now();
  await t.notThrowsAsync(verifier.verify(token, [identity]));
  t.true(Date.now() - started < 2000, 'did not wait for the 5 s timeout');
  await eventually(async () => issuer.count('/openid/v1/jwks') === 2, 'the background refresh reaches the issuer');
  t.pass();
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

test('repository_id and repository_owner_id conditions refuse a recreated repository of the same name (issue 21, "Sub:jugation")', async (t) => {
  const { issuer, verifier } = await setup(t);
  const identity: FederatedIdentity = {
    issuer: issuer.issuer,
    subject: 'repo:qgis/plugin-x:ref:refs/heads/main',
    conditions: { repository_id: '812345678', repository_owner_id: '483444' },
  };
  const original = await issuer.githubActionsToken('qgis/plugin-x', 'refs/heads/main', tollgate);
  t.deepEqual(await verifier.verify(original, [identity]), identity);
  // Deleted and recreated under the same names: same sub, new immutable ids.
  const recreated = await issuer.githubActionsToken('qgis/plugin-x', 'refs/heads/main', tollgate, { repository_id: '999000111' });
  await refusedWith(t, verifier.verify(recreated, [identity]), 'condition');
  const newOwner = await issuer.githubActionsToken('qgis/plugin-x', 'refs/heads/main', tollgate, { repository_owner_id: '777' });
  await refusedWith(t, verifier.verify(newOwner, [identity]), 'condition');
});

test("an identity without a subject (a trusted publisher's) matches any sub by its conditions, and never without conditions", async (t) => {
  const { issuer, verifier } = await setup(t);
  const pinned: FederatedIdentity = { issuer: issuer.issuer, conditions: { repository_id: '812345678', repository_owner_id: '483444' } };
  // A renamed repository keeps its ids: its new sub still matches.
  const renamed = await issuer.githubActionsToken('qgis/plugin-renamed', 'refs/tags/v1.0', tollgate);
  t.deepEqual(await verifier.verify(renamed, [pinned]), pinned);
  const recycled = await issuer.githubActionsToken('qgis/plugin-x', 'refs/heads/main', tollgate, { repository_id: '999000111' });
  await refusedWith(t, verifier.verify(recycled, [pinned]), 'condition');
  await refusedWith(t, verifier.verify(renamed, [{ issuer: issuer.issuer }]), 'subject');
  await refusedWith(t, verifier.verify(renamed, [{ issuer: issuer.issuer, conditions: {} }]), 'subject');
});
