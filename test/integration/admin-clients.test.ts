import test from 'ava';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, checkDisableAndEnable, clientCredentials, startAdminTestServer } from '../helpers/admin-api.ts';
import { eventually } from '../helpers/eventually.ts';
import { postForm } from '../helpers/start-server.ts';

let server: RunningServer;
let token: string;
let stop: () => Promise<void>;

test.before(async () => ({ server, token, stop } = await startAdminTestServer()));
test.after.always(() => stop?.());

const call = (method: string, path: string, body?: unknown) => adminCall(server, token, method, path, body);
const clientToken = (clientId: string, secret: string, form: Record<string, string> = {}) => clientCredentials(server, clientId, secret, form);

test('creating a client returns its secret once; the secret works and get never shows it', async (t) => {
  const created = await call('POST', '/clients', {
    client_id: 'inventory-sync',
    name: 'Inventory sync',
    resources: ['urn:tollgate:demo'],
    default_resource: 'urn:tollgate:demo',
    scopes: ['demo:read'],
    max_priority: { builds: 7 },
  });
  t.is(created.status, 201);
  t.is(typeof created.body.client_secret, 'string');
  t.true((created.body.client_secret as string).length >= 43);

  const issued = await clientToken('inventory-sync', created.body.client_secret as string);
  t.is(issued.status, 200);
  const claims = decodeJwt(issued.body.access_token as string);
  t.deepEqual(claims.max_priority, { builds: 7 });
  t.is(claims.scope, 'demo:read');

  const fetched = await call('GET', '/clients/inventory-sync');
  t.is(fetched.status, 200);
  t.false('client_secret' in fetched.body);
  t.false(JSON.stringify(fetched.body).includes('sha256'));
  t.is(fetched.body.name, 'Inventory sync');

  const listed = await call('GET', '/clients');
  t.true((listed.body.clients as Array<{ client_id: string }>).some((client) => client.client_id === 'inventory-sync'));
});

test('a client is created with a generated id when none is given', async (t) => {
  const created = await call('POST', '/clients', { resources: ['urn:tollgate:demo'] });
  t.is(created.status, 201);
  t.regex(created.body.client_id as string, /^[0-9a-f]{20}$/);
});

test('last_used_at shows after the client gets a token', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'used-once', resources: ['urn:tollgate:demo'] });
  t.is((await call('GET', '/clients/used-once')).body.last_used_at, null);
  t.is((await clientToken('used-once', created.body.client_secret as string)).status, 200);
  // The stamp is written after the response.
  const stamp = await eventually(async () => (await call('GET', '/clients/used-once')).body.last_used_at ?? undefined, 'last_used_at');
  t.regex(String(stamp), /^\d{4}-\d\d-\d\dT/);
});

const badClients: Array<[string, Record<string, unknown>, string]> = [
  ['an unknown field', { client_id: 'x1', colour: 'red' }, 'colour'],
  ['a client_id with a brace', { client_id: 'a{b}' }, 'client_id'],
  ['an unknown grant type', { client_id: 'x2', grant_types: ['password'] }, 'grant_types.0'],
  ['a public client with client_credentials', { client_id: 'x3', token_endpoint_auth_method: 'none' }, 'token_endpoint_auth_method'],
  ['refresh_token without device_code', { client_id: 'x4', grant_types: ['client_credentials', 'refresh_token'] }, 'grant_types'],
  ['private_key_jwt without keys', { client_id: 'x5', token_endpoint_auth_method: 'private_key_jwt' }, 'jwks'],
  ['a resource that does not exist', { client_id: 'x6', resources: ['https://nowhere.example'] }, 'resources.0'],
  ['a resource that is not a URI', { client_id: 'x7', resources: ['inventory'] }, 'resources.0'],
  ['a scope no resource defines', { client_id: 'x8', resources: ['urn:tollgate:demo'], scopes: ['demo:delete'] }, 'scopes.0'],
  ['a default resource not among its resources', { client_id: 'x9', default_resource: 'urn:tollgate:demo' }, 'default_resource'],
  ['a negative priority', { client_id: 'x10', max_priority: { builds: -1 } }, 'max_priority.builds'],
  ['a fractional priority', { client_id: 'x11', max_priority: { builds: 1.5 } }, 'max_priority.builds'],
  ['a bad queue name', { client_id: 'x12', max_priority: { 'no spaces': 1 } }, 'max_priority.no spaces'],
  ['a scope with a space', { client_id: 'x13', scopes: ['a b'] }, 'scopes.0'],
];

for (const [what, body, field] of badClients) {
  test(`creating a client with ${what} is a 400 naming ${field}`, async (t) => {
    const response = await call('POST', '/clients', body);
    t.is(response.status, 400);
    t.is(response.body.error, 'invalid_field');
    t.is(response.body.field, field);
  });
}

test('private_key_jwt keys must be public', async (t) => {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const response = await call('POST', '/clients', {
    client_id: 'leaky',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [await exportJWK(privateKey)] },
  });
  t.is(response.status, 400);
  t.is(response.body.field, 'jwks.keys.0');
});

test('a private_key_jwt client authenticates with a signed assertion', async (t) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const created = await call('POST', '/clients', {
    client_id: 'signer',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [jwk] },
    resources: ['urn:tollgate:demo'],
  });
  t.is(created.status, 201);
  t.false('client_secret' in created.body);
  const assertion = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer('signer')
    .setSubject('signer')
    .setAudience(server.url)
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(privateKey);
  const issued = await postForm(`${server.url}/token`, {
    grant_type: 'client_credentials',
    resource: 'urn:tollgate:demo',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  });
  t.is(issued.status, 200, JSON.stringify(issued.body));
});

test('a duplicate client_id is a 409', async (t) => {
  t.is((await call('POST', '/clients', { client_id: 'twice' })).status, 201);
  const again = await call('POST', '/clients', { client_id: 'twice' });
  t.is(again.status, 409);
  t.is(again.body.error, 'conflict');
});

test('malformed JSON and a form body are 400s', async (t) => {
  const malformed = await call('POST', '/clients', '{"client_id":');
  t.is(malformed.status, 400);
  t.is(malformed.body.field, 'body');
  const form = await fetch(`${server.url}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'client_id=form',
  });
  t.is(form.status, 400);
  t.is(((await form.json()) as { field: string }).field, 'content-type');
});

test('an unknown client is a 404 on get, update, rotate and delete', async (t) => {
  t.is((await call('GET', '/clients/nobody')).status, 404);
  t.is((await call('PATCH', '/clients/nobody', { disabled: true })).status, 404);
  t.is((await call('POST', '/clients/nobody/rotate-secret', {})).status, 404);
  t.is((await call('DELETE', '/clients/nobody')).status, 404);
  t.is((await call('POST', '/clients/nobody/revoke-grants')).status, 404);
});

test('updating scopes and max_priority shows in the next token; null clears max_priority', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'tunable', resources: ['urn:tollgate:demo'], scopes: ['demo:read'] });
  const secret = created.body.client_secret as string;
  const updated = await call('PATCH', '/clients/tunable', { scopes: ['demo:read', 'demo:write'], max_priority: { q: 2 }, description: 'tuned' });
  t.is(updated.status, 200);
  t.is(updated.body.description, 'tuned');
  let claims = decodeJwt((await clientToken('tunable', secret)).body.access_token as string);
  t.is(claims.scope, 'demo:read demo:write');
  t.deepEqual(claims.max_priority, { q: 2 });

  t.is((await call('PATCH', '/clients/tunable', { max_priority: null })).body.max_priority, null);
  claims = decodeJwt((await clientToken('tunable', secret)).body.access_token as string);
  t.false('max_priority' in claims);
});

test('update rejects bad fields by name', async (t) => {
  await call('POST', '/clients', { client_id: 'strict' });
  t.is((await call('PATCH', '/clients/strict', { disabled: 'yes' })).body.field, 'disabled');
  t.is((await call('PATCH', '/clients/strict', { token_endpoint_auth_method: 'none' })).body.field, 'token_endpoint_auth_method');
  t.is((await call('PATCH', '/clients/strict', { max_priority: [1] })).body.field, 'max_priority');
  t.is((await call('PATCH', '/clients/strict', { scopes: ['demo:read'] })).body.field, 'scopes.0');
});

test('a disabled client gets invalid_client; enabling it again restores it', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'switch', resources: ['urn:tollgate:demo'] });
  await checkDisableAndEnable(t, server, token, 'switch', created.body.client_secret as string);
});

test('rotating without overlap retires the old secret at once', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'rotate-now', resources: ['urn:tollgate:demo'] });
  const rotated = await call('POST', '/clients/rotate-now/rotate-secret', {});
  t.is(rotated.status, 200);
  t.not(rotated.body.client_secret, created.body.client_secret);
  t.is((await clientToken('rotate-now', created.body.client_secret as string)).body.error, 'invalid_client');
  t.is((await clientToken('rotate-now', rotated.body.client_secret as string)).status, 200);
});

test('rotating with an overlap keeps the old secret working until the window ends', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'rotate-soft', resources: ['urn:tollgate:demo'] });
  const rotated = await call('POST', '/clients/rotate-soft/rotate-secret', { overlap_seconds: 3600 });
  t.is((rotated.body.previous_secrets_expire_at as string[]).length, 1);
  t.is((await clientToken('rotate-soft', created.body.client_secret as string)).status, 200);
  t.is((await clientToken('rotate-soft', rotated.body.client_secret as string)).status, 200);
  // A second rotation leaves only the secret it replaces in the window.
  const again = await call('POST', '/clients/rotate-soft/rotate-secret', { overlap_seconds: 60 });
  t.is((await clientToken('rotate-soft', created.body.client_secret as string)).body.error, 'invalid_client');
  t.is((await clientToken('rotate-soft', rotated.body.client_secret as string)).status, 200);
  t.is((await clientToken('rotate-soft', again.body.client_secret as string)).status, 200);
});

test('rotation rejects a bad overlap and clients without a secret', async (t) => {
  await call('POST', '/clients', { client_id: 'rotate-bad' });
  const tooLong = await call('POST', '/clients/rotate-bad/rotate-secret', { overlap_seconds: 99_999_999 });
  t.is(tooLong.status, 400);
  t.is(tooLong.body.field, 'overlap_seconds');
  const publicClient = await call('POST', '/clients', {
    client_id: 'public-cli',
    grant_types: ['device_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
  });
  t.is(publicClient.status, 201);
  t.is((await call('POST', '/clients/public-cli/rotate-secret', {})).status, 409);
});

test('deleting a client removes it and its credentials stop working', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'doomed', resources: ['urn:tollgate:demo'] });
  const deleted = await call('DELETE', '/clients/doomed');
  t.is(deleted.status, 200);
  t.is(deleted.body.revoked_grants, 0);
  t.is((await call('GET', '/clients/doomed')).status, 404);
  t.is((await clientToken('doomed', created.body.client_secret as string)).body.error, 'invalid_client');
});

test('an admin client can neither delete nor disable itself', async (t) => {
  const self = server.tollgate.demo?.adminClientId as string;
  t.is((await call('DELETE', `/clients/${self}`)).status, 409);
  t.is((await call('PATCH', `/clients/${self}`, { disabled: true })).status, 409);
});
