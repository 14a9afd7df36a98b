import test from 'ava';
import { decodeJwt } from 'jose';

import { secretHashPattern } from '../../src/clients/client-secret.ts';
import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { basicAuth, postForm } from '../helpers/start-server.ts';

let server: RunningServer;
let admin: string;
let stop: () => Promise<void>;

test.before(async () => ({ server, token: admin, stop } = await startAdminTestServer()));
test.after.always(() => stop?.());

async function json(method: string, url: string, token: string | undefined, body?: unknown) {
  const response = await fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function initialAccessToken(terms: Record<string, unknown> = {}) {
  const issued = await adminCall(server, admin, 'POST', '/initial-access-tokens', {
    resources: ['urn:tollgate:demo'],
    scopes: ['demo:read'],
    max_priority: { ci: 2 },
    ...terms,
  });
  if (issued.status !== 201) throw new Error(JSON.stringify(issued.body));
  return issued.body.initial_access_token as string;
}

const register = (token: string | undefined, metadata: Record<string, unknown> = { client_name: 'self-registered', grant_types: ['client_credentials'] }) =>
  json('POST', `${server.url}/reg`, token, metadata);

test('registration without an initial access token is refused with invalid_token', async (t) => {
  const response = await register(undefined);
  t.is(response.status, 401);
  t.is(response.body.error, 'invalid_token');
  t.regex(response.headers.get('www-authenticate') ?? '', /^Bearer/);
});

test('registration with an unknown initial access token is refused with invalid_token', async (t) => {
  const response = await register('made-up-token');
  t.is(response.status, 401);
  t.is(response.body.error, 'invalid_token');
});

test("a service registers with an initial access token, gets the admin's terms, and its secret is stored hashed", async (t) => {
  const registered = await register(await initialAccessToken(), { client_name: 'builder', grant_types: ['client_credentials'] });
  t.is(registered.status, 201, JSON.stringify(registered.body));
  const clientId = registered.body.client_id as string;
  const secret = registered.body.client_secret as string;
  t.regex(secret, /^[A-Za-z0-9_-]{43}$/);
  t.truthy(registered.body.registration_access_token);
  t.is(registered.body.registration_client_uri, `${server.url}/reg/${clientId}`);

  const stored = await server.tollgate.clients.get(clientId);
  t.true(stored?.registered);
  t.regex(stored?.secrets[0]?.hash ?? '', secretHashPattern);
  t.false(JSON.stringify(stored).includes(secret), 'the plaintext secret is stored nowhere');
  t.deepEqual(stored?.resources, ['urn:tollgate:demo']);
  t.deepEqual(stored?.scopes, ['demo:read']);

  const view = await adminCall(server, admin, 'GET', `/clients/${clientId}`);
  t.is(view.body.registered, true);
  t.is(view.body.name, 'builder');

  const issued = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials', resource: 'urn:tollgate:demo' },
    { authorization: basicAuth(clientId, secret) },
  );
  t.is(issued.status, 200);
  const claims = decodeJwt(issued.body.access_token as string);
  t.is(claims.scope, 'demo:read');
  t.deepEqual(claims.max_priority, { ci: 2 });
});

test('the RFC 7592 read shows the registration but never the stored hash as a secret', async (t) => {
  const registered = await register(await initialAccessToken());
  const read = await json('GET', registered.body.registration_client_uri as string, registered.body.registration_access_token as string);
  t.is(read.status, 200);
  t.is(read.body.client_id, registered.body.client_id);
  t.false('client_secret' in read.body);
  t.false(JSON.stringify(read.body).includes('sha256:'));
});

test('the RFC 7592 read without the registration access token is invalid_token', async (t) => {
  const registered = await register(await initialAccessToken());
  const read = await json('GET', registered.body.registration_client_uri as string, 'wrong');
  t.is(read.status, 401);
  t.is(read.body.error, 'invalid_token');
});

test('an RFC 7592 update may carry the current secret, and must not carry a wrong one', async (t) => {
  const registered = await register(await initialAccessToken());
  const clientId = registered.body.client_id as string;
  const secret = registered.body.client_secret as string;
  const uri = registered.body.registration_client_uri as string;

  const wrong = await json('PUT', uri, registered.body.registration_access_token as string, {
    client_id: clientId,
    client_secret: 'not-it',
    client_name: 'renamed',
    grant_types: ['client_credentials'],
  });
  t.is(wrong.status, 400);
  t.is(wrong.body.error, 'invalid_request');

  const updated = await json('PUT', uri, registered.body.registration_access_token as string, {
    client_id: clientId,
    client_secret: secret,
    client_name: 'renamed',
    grant_types: ['client_credentials'],
  });
  t.is(updated.status, 200, JSON.stringify(updated.body));
  t.is(updated.body.client_name, 'renamed');
  t.false('client_secret' in updated.body);
  t.not(updated.body.registration_access_token, registered.body.registration_access_token, 'rotated');
  t.is((await server.tollgate.clients.get(clientId))?.name, 'renamed');
  const issued = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials', resource: 'urn:tollgate:demo' },
    { authorization: basicAuth(clientId, secret) },
  );
  t.is(issued.status, 200, 'the secret still works after the update');
});

test('an RFC 7592 update cannot add a grant type the registration was not given', async (t) => {
  const registered = await register(await initialAccessToken());
  const updated = await json('PUT', registered.body.registration_client_uri as string, registered.body.registration_access_token as string, {
    client_id: registered.body.client_id,
    grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'],
  });
  t.is(updated.status, 400);
  t.is(updated.body.error, 'invalid_client_metadata');
});

test('an RFC 7592 delete removes the client', async (t) => {
  const registered = await register(await initialAccessToken());
  const deleted = await fetch(registered.body.registration_client_uri as string, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${registered.body.registration_access_token}` },
  });
  t.is(deleted.status, 204);
  t.is(await server.tollgate.clients.get(registered.body.client_id as string), undefined);
});

test('registration outside the terms is invalid_client_metadata', async (t) => {
  const token = await initialAccessToken();
  const scope = await register(token, { grant_types: ['client_credentials'], scope: 'demo:read demo:write' });
  t.is(scope.status, 400);
  t.is(scope.body.error, 'invalid_client_metadata');
  const grant = await register(token, { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], token_endpoint_auth_method: 'none' });
  t.is(grant.body.error, 'invalid_client_metadata');
  const redirect = await register(token, { grant_types: ['client_credentials'], redirect_uris: ['https://app.example/cb'] });
  t.is(redirect.body.error, 'invalid_redirect_uri', 'RFC 7591 §3.2.2');
});

test('a public client registers only for the device flow', async (t) => {
  const token = await initialAccessToken({ grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token', 'client_credentials'] });
  const refused = await register(token, { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' });
  t.is(refused.body.error, 'invalid_client_metadata');
  const cli = await register(token, { grant_types: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], token_endpoint_auth_method: 'none' });
  t.is(cli.status, 201, JSON.stringify(cli.body));
  t.false('client_secret' in cli.body);
});

test('a single-use initial access token registers one client', async (t) => {
  const token = await initialAccessToken({ single_use: true });
  t.is((await register(token)).status, 201);
  const second = await register(token);
  t.is(second.status, 401);
  t.is(second.body.error, 'invalid_token');
});

const badTerms: Array<[string, Record<string, unknown>, string]> = [
  ['no resources', { resources: [] }, 'resources'],
  ['an unknown resource', { resources: ['urn:example:none'] }, 'resources.0'],
  ['a scope no resource defines', { scopes: ['demo:admin'] }, 'scopes.0'],
  ['a lifetime over 30 days', { expires_in: 31 * 86400 }, 'expires_in'],
  ['a bad max_priority', { max_priority: { ci: 'high' } }, 'max_priority.ci'],
  ['refresh_token without device_code', { grant_types: ['refresh_token'] }, 'grant_types'],
  ['the token-exchange grant (it needs serves)', { grant_types: ['token-exchange'] }, 'grant_types'],
];

for (const [what, terms, field] of badTerms) {
  test(`issuing an initial access token with ${what} is a 400 naming ${field}`, async (t) => {
    const response = await adminCall(server, admin, 'POST', '/initial-access-tokens', { resources: ['urn:tollgate:demo'], ...terms });
    t.is(response.status, 400);
    t.is(response.body.field, field);
  });
}

test('only an admin can issue initial access tokens', async (t) => {
  const response = await adminCall(server, null, 'POST', '/initial-access-tokens', { resources: ['urn:tollgate:demo'] });
  t.is(response.status, 401);
});
