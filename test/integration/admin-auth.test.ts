import test from 'ava';
import { generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, adminToken, startAdminTestServer } from '../helpers/admin-api.ts';
import { basicAuth, demoSecret, postForm } from '../helpers/start-server.ts';

let server: RunningServer;
let token: string;
let stop: () => Promise<void>;

test.before(async () => ({ server, token, stop } = await startAdminTestServer()));
test.after.always(() => stop?.());

/** An at+jwt with admin claims, signed with the given key. */
async function forge(key: JWK | CryptoKey, kid: string, claims: { exp?: number; scope?: string } = {}) {
  const signingKey = 'kty' in key ? await importJWK(key as JWK, 'ES256') : key;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: claims.scope ?? 'admin', client_id: server.tollgate.demo?.adminClientId })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid })
    .setIssuer(server.url)
    .setSubject(server.tollgate.demo?.adminClientId as string)
    .setAudience('urn:tollgate:admin')
    .setIssuedAt(now - 600)
    .setExpirationTime(claims.exp ?? now + 300)
    .setJti(`forged-${now}`)
    .sign(signingKey as CryptoKey);
}

function challenge(response: { headers: Headers }) {
  return response.headers.get('www-authenticate') ?? '';
}

test('no token is a 401 with a bare Bearer challenge (RFC 6750 §3.1)', async (t) => {
  const response = await adminCall(server, null, 'GET', '/clients');
  t.is(response.status, 401);
  t.is(response.body.error, 'unauthorized');
  t.is(challenge(response), 'Bearer realm="tollgate-admin"');
});

test('nothing under /admin is visible without a token, not even what does not exist', async (t) => {
  t.is((await adminCall(server, null, 'GET', '/no-such-thing')).status, 401);
  t.is((await adminCall(server, null, 'DELETE', '/clients/demo')).status, 401);
  t.is((await adminCall(server, token, 'GET', '/no-such-thing')).status, 404);
});

test('a Basic credential instead of a bearer token is a 401', async (t) => {
  const response = await fetch(`${server.url}/admin/clients`, { headers: { authorization: basicAuth('demo', demoSecret) } });
  t.is(response.status, 401);
});

test('a token that is not a JWT is invalid_token', async (t) => {
  const response = await adminCall(server, 'not-a-jwt', 'GET', '/clients');
  t.is(response.status, 401);
  t.regex(challenge(response), /error="invalid_token"/);
});

test('a client-credentials token for another resource is invalid_token', async (t) => {
  const issued = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  const response = await adminCall(server, issued.body.access_token as string, 'GET', '/clients');
  t.is(response.status, 401);
  t.regex(challenge(response), /error="invalid_token"/);
});

test('a client-credentials token for the admin API without the admin scope is a 403 insufficient_scope', async (t) => {
  const created = await adminCall(server, token, 'POST', '/clients', { client_id: 'half-admin', resources: ['urn:tollgate:admin'], scopes: [] });
  t.is(created.status, 201);
  const issued = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials', resource: 'urn:tollgate:admin' },
    { authorization: basicAuth('half-admin', created.body.client_secret as string) },
  );
  t.is(issued.status, 200, JSON.stringify(issued.body));
  const response = await adminCall(server, issued.body.access_token as string, 'GET', '/clients');
  t.is(response.status, 403);
  t.is(response.body.error, 'forbidden');
  t.regex(challenge(response), /error="insufficient_scope"/);
  t.regex(challenge(response), /scope="admin"/);
  t.regex(challenge(response), /error_description="[^"\\]*", scope=/, 'a valid RFC 6750 quoted string');
});

test('a token signed by another key is invalid_token', async (t) => {
  const { privateKey } = await generateKeyPair('ES256');
  const kid = server.tollgate.signingKeys.signingKid.ES256 as string;
  const response = await adminCall(server, await forge(privateKey, kid), 'GET', '/clients');
  t.is(response.status, 401);
  t.regex(challenge(response), /error="invalid_token"/);
});

test('an expired token signed by our own key is invalid_token, said to be expired', async (t) => {
  const kid = server.tollgate.signingKeys.signingKid.ES256 as string;
  const ours = server.tollgate.signingKeys.jwks.keys.find((key) => key.kid === kid) as JWK;
  const fresh = await adminCall(server, await forge(ours, kid), 'GET', '/clients');
  t.is(fresh.status, 200, 'the forged-but-valid control token works');
  const response = await adminCall(server, await forge(ours, kid, { exp: Math.floor(Date.now() / 1000) - 120 }), 'GET', '/clients');
  t.is(response.status, 401);
  t.regex(challenge(response), /error="invalid_token", error_description="the access token has expired"/);
});

test('a valid token of a client disabled since stops working', async (t) => {
  const created = await adminCall(server, token, 'POST', '/clients', { client_id: 'second-admin', resources: ['urn:tollgate:admin'], scopes: ['admin'] });
  const second = await adminToken(server, 'second-admin', created.body.client_secret as string);
  t.is((await adminCall(server, second, 'GET', '/clients')).status, 200);
  await adminCall(server, token, 'PATCH', '/clients/second-admin', { disabled: true });
  const response = await adminCall(server, second, 'GET', '/clients');
  t.is(response.status, 401);
  t.regex(challenge(response), /error="invalid_token"/);
});

test('a method an endpoint does not have is a 405 with Allow', async (t) => {
  const response = await adminCall(server, token, 'PUT', '/clients', {});
  t.is(response.status, 405);
  t.is(response.body.error, 'method_not_allowed');
  t.is(response.headers.get('allow'), 'GET, POST');
});

test('admin responses are never cached', async (t) => {
  t.is((await adminCall(server, token, 'GET', '/clients')).headers.get('cache-control'), 'no-store');
});
