import test from 'ava';
import { createRemoteJWKSet, decodeJwt, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { basicAuth, demoSecret, postForm } from '../helpers/start-server.ts';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.ts';

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const demo = 'urn:tollgate:demo';
const log = captureLog();

// One issuer per concern, so that request counts at each belong to one test.
let cluster: TestIssuer; // Kubernetes-shaped tokens, keys by discovery
let actions: TestIssuer; // GitHub-Actions-shaped tokens, keys at an explicit jwks_uri
let airgapped: TestIssuer; // a cluster whose keys are given statically
let rotating: TestIssuer;
let flaky: TestIssuer;
let hanging: TestIssuer;
let stranger: TestIssuer; // not trusted
let server: RunningServer;
let adminToken: string;
let stop: () => Promise<void>;

test.before(async () => {
  [cluster, actions, airgapped, rotating, flaky, hanging, stranger] = await Promise.all([
    startTestIssuer(),
    startTestIssuer(),
    startTestIssuer(),
    startTestIssuer(),
    startTestIssuer(),
    startTestIssuer(),
    startTestIssuer(),
  ]);
  const trustedIssuers = [
    { issuer: cluster.issuer },
    { issuer: actions.issuer, jwksUri: actions.jwksUri },
    { issuer: airgapped.issuer, jwks: airgapped.publicJwks() },
    { issuer: rotating.issuer },
    { issuer: flaky.issuer },
    { issuer: hanging.issuer },
  ];
  ({ server, token: adminToken, stop } = await startAdminTestServer({}, { overrides: { federation: { trustedIssuers } }, logger: log.logger }));
});

test.after.always(async () => {
  await stop?.();
  await Promise.all([cluster, actions, airgapped, rotating, flaky, hanging, stranger].map((issuer) => issuer?.stop()));
});

let counter = 0;
/** A client with no secret whose only way to a token is the platform token of `identity`. */
async function federatedClient(identities: object[], fields: object = {}): Promise<string> {
  const clientId = `workload-${++counter}`;
  const created = await adminCall(server, adminToken, 'POST', '/clients', {
    client_id: clientId,
    grant_types: ['jwt-bearer'],
    token_endpoint_auth_method: 'none',
    federated_identities: identities,
    resources: [demo],
    default_resource: demo,
    scopes: ['demo:read', 'demo:write'],
    max_priority: { ci: 4 },
    ...fields,
  });
  if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
  return clientId;
}

const exchange = (clientId: string, assertion: string, form: Record<string, string> = {}) =>
  postForm(`${server.url}/token`, { grant_type: jwtBearer, client_id: clientId, assertion, ...form });

async function verifyThroughOurJwks(accessToken: string) {
  const { payload, protectedHeader } = await jwtVerify(accessToken, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
    issuer: server.url,
    audience: demo,
    typ: 'at+jwt',
  });
  return { payload, protectedHeader };
}

test('a Kubernetes service-account token gets the client its client-credentials token', async (t) => {
  const subject = 'system:serviceaccount:payments:api';
  const clientId = await federatedClient([{ issuer: cluster.issuer, subject, conditions: { 'kubernetes.io.namespace': 'payments' } }], {
    max_priority: { payments: 7 },
  });
  const { status, body } = await exchange(clientId, await cluster.kubernetesToken('payments', 'api', server.url));
  t.is(status, 200, JSON.stringify(body));
  t.is(body.token_type, 'Bearer');
  t.is(body.scope, 'demo:read demo:write');
  const { payload } = await verifyThroughOurJwks(body.access_token as string);
  t.is(payload.sub, clientId);
  t.is(payload.client_id, clientId);
  t.deepEqual(payload.max_priority, { payments: 7 });
  for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope']) t.true(claim in payload, claim);
});

test('a GitHub Actions token with its own audience and conditions gets a token for the named resource and scope', async (t) => {
  const subject = 'repo:qgis/plugin-x:ref:refs/heads/main';
  const clientId = await federatedClient(
    [{ issuer: actions.issuer, subject, audience: 'tollgate-ci', conditions: { repository: 'qgis/plugin-x', event_name: 'push' } }],
    { default_resource: undefined },
  );
  const assertion = await actions.githubActionsToken('qgis/plugin-x', 'refs/heads/main', 'tollgate-ci');
  const { status, body } = await exchange(clientId, assertion, { resource: demo, scope: 'demo:read' });
  t.is(status, 200, JSON.stringify(body));
  const { payload } = await verifyThroughOurJwks(body.access_token as string);
  t.is(payload.sub, clientId);
  t.is(payload.scope, 'demo:read');
  t.deepEqual(payload.max_priority, { ci: 4 });
  t.is(actions.count('/.well-known/openid-configuration'), 0, 'an explicit jwks_uri skips discovery');
});

test('an issuer trusted with static keys needs no request to it', async (t) => {
  const clientId = await federatedClient([{ issuer: airgapped.issuer, subject: 'system:serviceaccount:ci:runner' }]);
  const { status, body } = await exchange(clientId, await airgapped.kubernetesToken('ci', 'runner', server.url), { audience: demo });
  t.is(status, 200, JSON.stringify(body));
  t.is(decodeJwt(body.access_token as string).aud, demo);
  t.is(airgapped.count('/openid/v1/jwks') + airgapped.count('/.well-known/openid-configuration'), 0);
});

test('each refused assertion is invalid_grant naming the check, and the log names client, issuer and check', async (t) => {
  const subject = 'system:serviceaccount:payments:worker';
  const clientId = await federatedClient([{ issuer: cluster.issuer, subject, conditions: { 'kubernetes.io.namespace': 'payments' } }]);
  const otherId = await federatedClient([{ issuer: cluster.issuer, subject: 'system:serviceaccount:billing:api' }]);
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: cluster.issuer, sub: subject, aud: server.url, iat: now, exp: now + 300 };
  const hmacKey = new TextEncoder().encode(JSON.stringify(cluster.publicJwks().keys[0]));
  const cases: Array<[string, string]> = [
    ['untrusted_issuer', await stranger.kubernetesToken('payments', 'worker', server.url)],
    ['audience', await cluster.kubernetesToken('payments', 'worker', 'https://elsewhere.example')],
    ['expired', await cluster.mint({ sub: subject, aud: server.url, 'kubernetes.io': { namespace: 'payments' } }, { issuedAt: now - 1000 })],
    ['lifetime', await cluster.mint({ sub: subject, aud: server.url, 'kubernetes.io': { namespace: 'payments' } }, { lifetimeSeconds: 365 * 86400 })],
    ['algorithm', new UnsecuredJWT(claims).encode()],
    ['algorithm', await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'key-1' }).sign(hmacKey)],
    ['subject', await cluster.kubernetesToken('payments', 'intruder', server.url)],
    ['condition', await cluster.kubernetesToken('staging', 'worker', server.url, { sub: subject })],
    ['subject', await cluster.kubernetesToken('billing', 'api', server.url)],
  ];
  for (const [check, assertion] of cases) {
    const { status, body } = await exchange(clientId, assertion);
    t.is(status, 400, check);
    t.is(body.error, 'invalid_grant', check);
    t.true(String(body.error_description).startsWith(`assertion refused (${check})`), `${check}: ${String(body.error_description)}`);
    t.false(JSON.stringify(body).includes(assertion.split('.')[1] as string));
  }
  // The last one is a real token of another client's identity: it works for that client only.
  t.is((await exchange(otherId, cases.at(-1)?.[1] as string)).status, 200);

  const lines = log.lines(/jwt-bearer assertion refused/).filter((line) => line.clientId === clientId);
  t.deepEqual(
    lines.map((line) => line.check),
    cases.map(([check]) => check),
  );
  t.is(lines[1]?.issuer, cluster.issuer);
  t.false(cases.some(([, assertion]) => log.text().includes(assertion)));
});

test('an assertion replayed after its client was disabled gets nothing', async (t) => {
  const clientId = await federatedClient([{ issuer: cluster.issuer, subject: 'system:serviceaccount:jobs:nightly' }]);
  const assertion = await cluster.kubernetesToken('jobs', 'nightly', server.url);
  t.is((await exchange(clientId, assertion)).status, 200);
  t.is((await adminCall(server, adminToken, 'PATCH', `/clients/${clientId}`, { disabled: true })).status, 200);
  const replayed = await exchange(clientId, assertion);
  t.is(replayed.status, 401);
  t.is(replayed.body.error, 'invalid_client');
});

test('a client without a secret cannot use client credentials, and cannot be made to', async (t) => {
  const clientId = await federatedClient([{ issuer: cluster.issuer, subject: 'system:serviceaccount:jobs:other' }]);
  const direct = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: clientId });
  t.is(direct.body.error, 'unauthorized_client');
  const widened = await adminCall(server, adminToken, 'PATCH', `/clients/${clientId}`, { grant_types: ['jwt-bearer', 'client_credentials'] });
  t.is(widened.status, 400);
  t.is(widened.body.field, 'token_endpoint_auth_method');
});

test('an unknown kid makes one refetch of the keys, and a burst of unknown kids one more', async (t) => {
  const clientId = await federatedClient([{ issuer: rotating.issuer, subject: 'system:serviceaccount:app:web' }]);
  t.is((await exchange(clientId, await rotating.kubernetesToken('app', 'web', server.url))).status, 200);
  t.is(rotating.count('/openid/v1/jwks'), 1);
  await rotating.rotate();
  const rotated = await exchange(clientId, await rotating.kubernetesToken('app', 'web', server.url));
  t.is(rotated.status, 200, JSON.stringify(rotated.body));
  t.is(rotating.count('/openid/v1/jwks'), 2);

  await rotating.signWithUnpublishedKey('forged');
  const assertions = await Promise.all(
    Array.from({ length: 20 }, () => rotating.mint({ sub: 'system:serviceaccount:app:web', aud: server.url }, { kid: `unknown-${++counter}` })),
  );
  const started = Date.now();
  const forged = await Promise.all(assertions.map((assertion) => exchange(clientId, assertion)));
  const seconds = Math.ceil((Date.now() - started) / 1000);
  t.true(forged.every(({ body }) => body.error === 'invalid_grant' && String(body.error_description).startsWith('assertion refused (unknown_key)')));
  // Unknown kids within the one-second interval share one refetch at its end: at most one a second.
  t.true(rotating.count('/openid/v1/jwks') <= 2 + seconds, `${rotating.count('/openid/v1/jwks')} fetches in ${seconds} s`);
  t.is(rotating.count('/.well-known/openid-configuration'), 1);
});

test('an issuer that is down fails only its own clients, with 503 temporarily_unavailable so that token sources retry', async (t) => {
  const flakyClient = await federatedClient([{ issuer: flaky.issuer, subject: 'system:serviceaccount:app:api' }]);
  const healthyClient = await federatedClient([{ issuer: cluster.issuer, subject: 'system:serviceaccount:app:api' }]);
  flaky.setDown(true);
  const [down, healthy] = await Promise.all([
    exchange(flakyClient, await flaky.kubernetesToken('app', 'api', server.url)),
    exchange(healthyClient, await cluster.kubernetesToken('app', 'api', server.url)),
  ]);
  t.is(down.status, 503);
  t.is(down.body.error, 'temporarily_unavailable');
  t.regex(String(down.body.error_description), /cannot be reached/);
  t.is(down.headers.get('retry-after'), '5');
  t.is(down.headers.get('content-type')?.split(';')[0], 'application/json');
  t.is(healthy.status, 200);
  flaky.setDown(false);
});

test('a hanging issuer costs its clients one 5 s timeout, not 5 s per request', async (t) => {
  const clientId = await federatedClient([{ issuer: hanging.issuer, subject: 'system:serviceaccount:app:api' }]);
  hanging.setHanging(true);
  const timed = async () => {
    const started = Date.now();
    const answer = await exchange(clientId, await hanging.kubernetesToken('app', 'api', server.url));
    return { ...answer, ms: Date.now() - started };
  };
  const first = await timed();
  t.is(first.status, 503);
  t.is(first.body.error, 'temporarily_unavailable');
  // Every later request within and after the back-off answers at once.
  const later = [];
  for (let index = 0; index < 8; index++) {
    later.push(await timed());
    await new Promise((done) => setTimeout(done, 1000));
  }
  t.true(
    later.every((answer) => answer.status === 503),
    JSON.stringify(later.map((answer) => answer.status)),
  );
  t.true(Math.max(...later.map((answer) => answer.ms)) < 1500, `latencies ${later.map((answer) => answer.ms).join(' ')}`);
});

test('discovery lists the jwt-bearer grant and the admin API lists the trusted issuers', async (t) => {
  const metadata = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as { grant_types_supported: string[] };
  t.true(metadata.grant_types_supported.includes(jwtBearer));
  const listed = await adminCall(server, adminToken, 'GET', '/trusted-issuers');
  const issuers = listed.body.trusted_issuers as Array<{ issuer: string; keys: string }>;
  t.deepEqual(Object.fromEntries(issuers.map((entry) => [entry.issuer, entry.keys])), {
    [cluster.issuer]: 'discovery',
    [actions.issuer]: 'jwks_uri',
    [airgapped.issuer]: 'static',
    [rotating.issuer]: 'discovery',
    [flaky.issuer]: 'discovery',
    [hanging.issuer]: 'discovery',
  });
});

test('a federated identity must name a trusted issuer and comes with the jwt-bearer grant', async (t) => {
  const untrusted = await adminCall(server, adminToken, 'POST', '/clients', {
    grant_types: ['jwt-bearer'],
    token_endpoint_auth_method: 'none',
    federated_identities: [{ issuer: stranger.issuer, subject: 'x' }],
  });
  t.is(untrusted.status, 400);
  t.is(untrusted.body.field, 'federated_identities.0.issuer');
  const withoutGrant = await adminCall(server, adminToken, 'POST', '/clients', { federated_identities: [{ issuer: cluster.issuer, subject: 'x' }] });
  t.is(withoutGrant.body.field, 'federated_identities');
  const withoutIdentity = await adminCall(server, adminToken, 'POST', '/clients', { grant_types: ['jwt-bearer'], token_endpoint_auth_method: 'none' });
  t.is(withoutIdentity.body.field, 'federated_identities');
  const clientId = await federatedClient([
    { issuer: cluster.issuer, subject: 'system:serviceaccount:a:b', audience: 'x', conditions: { 'kubernetes.io.namespace': 'a' } },
  ]);
  const view = await adminCall(server, adminToken, 'GET', `/clients/${clientId}`);
  t.deepEqual(view.body.federated_identities, [
    { issuer: cluster.issuer, subject: 'system:serviceaccount:a:b', audience: 'x', conditions: { 'kubernetes.io.namespace': 'a' } },
  ]);
  t.false('client_secret' in view.body);
});

test('an initial access token cannot offer the jwt-bearer grant to self-registering clients', async (t) => {
  const issued = await adminCall(server, adminToken, 'POST', '/initial-access-tokens', { resources: [demo], grant_types: ['jwt-bearer'] });
  t.is(issued.status, 400);
  t.is(issued.body.field, 'grant_types');
});

test('a jwt-bearer token introspects like a client-credentials token, and inactive once its client is disabled', async (t) => {
  const clientId = await federatedClient([{ issuer: cluster.issuer, subject: 'system:serviceaccount:intro:api' }], { max_priority: { intro: 1 } });
  const issued = await exchange(clientId, await cluster.kubernetesToken('intro', 'api', server.url));
  const introspect = () =>
    postForm(`${server.url}/token/introspection`, { token: issued.body.access_token as string }, { authorization: basicAuth('demo', demoSecret) });
  const active = await introspect();
  t.is(active.body.active, true, JSON.stringify(active.body));
  t.is(active.body.sub, clientId);
  t.deepEqual(active.body.max_priority, { intro: 1 });
  await adminCall(server, adminToken, 'PATCH', `/clients/${clientId}`, { disabled: true });
  t.is((await introspect()).body.active, false);
});

test('a client with a secret and federated identities needs both for the jwt-bearer grant', async (t) => {
  const created = await adminCall(server, adminToken, 'POST', '/clients', {
    grant_types: ['client_credentials', 'jwt-bearer'],
    federated_identities: [{ issuer: cluster.issuer, subject: 'system:serviceaccount:both:api' }],
    resources: [demo],
    default_resource: demo,
    scopes: ['demo:read'],
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  const clientId = created.body.client_id as string;
  const assertion = await cluster.kubernetesToken('both', 'api', server.url);
  const withoutSecret = await exchange(clientId, assertion);
  t.is(withoutSecret.status, 401);
  t.is(withoutSecret.body.error, 'invalid_client');
  const withSecret = await postForm(
    `${server.url}/token`,
    { grant_type: jwtBearer, assertion },
    { authorization: basicAuth(clientId, created.body.client_secret as string) },
  );
  t.is(withSecret.status, 200, JSON.stringify(withSecret.body));
  t.is(decodeJwt(withSecret.body.access_token as string).sub, clientId);
});

test('two clients cannot hold the same federated identity (issuer, subject, audience): 409 naming the field', async (t) => {
  const identity = { issuer: cluster.issuer, subject: 'system:serviceaccount:shared:api' };
  const holder = await federatedClient([identity]);
  const clash = await adminCall(server, adminToken, 'POST', '/clients', {
    client_id: `clash-${++counter}`,
    grant_types: ['jwt-bearer'],
    token_endpoint_auth_method: 'none',
    federated_identities: [
      { issuer: cluster.issuer, subject: 'system:serviceaccount:other:api' },
      { ...identity, audience: server.url, conditions: { 'kubernetes.io.namespace': 'shared' } },
    ],
    resources: [demo],
    scopes: ['demo:read'],
  });
  t.is(clash.status, 409);
  t.is(clash.body.error, 'conflict');
  t.is(clash.body.field, 'federated_identities.1');
  t.regex(String(clash.body.error_description), new RegExp(`client "${holder}" already holds`));
  // Another audience is another identity; and the holder may update its own.
  const otherAudience = await federatedClient([{ ...identity, audience: 'elsewhere' }]);
  t.truthy(otherAudience);
  const own = await adminCall(server, adminToken, 'PATCH', `/clients/${holder}`, { federated_identities: [identity, { ...identity, audience: 'third' }] });
  t.is(own.status, 200, JSON.stringify(own.body));
  const patched = await adminCall(server, adminToken, 'PATCH', `/clients/${otherAudience}`, { federated_identities: [identity] });
  t.is(patched.status, 409);
});
