import test from 'ava';
import { decodeJwt } from 'jose';

import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { deviceLogin } from '../helpers/device-login.ts';
import { postForm } from '../helpers/start-server.ts';

let server: RunningServer;
let token: string;
let stop: () => Promise<void>;

test.before(async () => {
  // Only an ES256 key: resource servers asking for RS256 or EdDSA must be refused.
  const jwks = JSON.stringify({ keys: [await generateSigningKey('ES256')] });
  ({ server, token, stop } = await startAdminTestServer({ TOLLGATE_JWKS: jwks, TOLLGATE_DEVICE_POLL_INTERVAL: '1' }));
});
test.after.always(() => stop?.());

const call = (method: string, path: string, body?: unknown) => adminCall(server, token, method, path, body);
const refresh = (refreshToken: string) => postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo-cli' });

test('an account is created without its password in any response, and can sign in', async (t) => {
  const created = await call('POST', '/accounts', {
    id: 'alice',
    username: 'Alice',
    password: 'correct horse battery',
    email: 'alice@example.org',
    max_priority: { default: 4 },
  });
  t.is(created.status, 201);
  t.false(JSON.stringify(created.body).includes('scrypt'));
  t.false('password' in created.body);
  t.truthy(await server.tollgate.accounts.authenticate('alice', 'correct horse battery'));
  t.is((await call('GET', '/accounts/alice')).body.email, 'alice@example.org');
  t.is((await call('GET', '/accounts/Alice')).body.id, 'alice', 'found by username too');
  t.true(((await call('GET', '/accounts')).body.accounts as Array<{ id: string }>).some((account) => account.id === 'alice'));
});

test('an account made without an id gets its username as id, as the seed gives it', async (t) => {
  const created = await call('POST', '/accounts', { username: 'generated', password: 'long enough password' });
  t.is(created.body.id, 'generated');
});

test('an account whose username cannot be an id needs an explicit id', async (t) => {
  const refused = await call('POST', '/accounts', { username: 'we{ird}', password: 'long enough password' });
  t.is(refused.status, 400);
  t.is(refused.body.field, 'id');
});

const badAccounts: Array<[string, Record<string, unknown>, string]> = [
  ['a short password', { username: 'shorty', password: 'short' }, 'password'],
  ['no password', { username: 'nopass' }, 'password'],
  ['a username with a space', { username: 'a b', password: 'long enough password' }, 'username'],
  ['a bad email', { username: 'mailer', password: 'long enough password', email: 'not-an-email' }, 'email'],
  ['a negative priority', { username: 'greedy', password: 'long enough password', max_priority: { q: -2 } }, 'max_priority.q'],
  ['an unknown field', { username: 'extra', password: 'long enough password', role: 'root' }, 'role'],
];

for (const [what, body, field] of badAccounts) {
  test(`creating an account with ${what} is a 400 naming ${field}`, async (t) => {
    const response = await call('POST', '/accounts', body);
    t.is(response.status, 400);
    t.is(response.body.field, field);
  });
}

test('a taken username is a 409 naming username, on create and on rename', async (t) => {
  await call('POST', '/accounts', { id: 'u1', username: 'taken', password: 'long enough password' });
  await call('POST', '/accounts', { id: 'u2', username: 'free', password: 'long enough password' });
  const created = await call('POST', '/accounts', { id: 'u3', username: 'TAKEN', password: 'long enough password' });
  t.is(created.status, 409);
  t.is(created.body.field, 'username');
  const renamed = await call('PATCH', '/accounts/u2', { username: 'taken' });
  t.is(renamed.status, 409);
  t.is(renamed.body.field, 'username');
});

test('updating an account changes only the fields sent; null clears', async (t) => {
  await call('POST', '/accounts', { id: 'bob', username: 'bob', password: 'long enough password', name: 'Bob', max_priority: { q: 1 } });
  const updated = await call('PATCH', '/accounts/bob', { name: null, max_priority: { q: 9 } });
  t.is(updated.status, 200);
  t.is(updated.body.name, null);
  t.deepEqual(updated.body.max_priority, { q: 9 });
  t.is(updated.body.username, 'bob');
  t.is((await call('PATCH', '/accounts/bob', { disabled: 'no' })).body.field, 'disabled');
  t.is((await call('PATCH', '/accounts/nobody', { disabled: true })).status, 404);
});

test('setting a password replaces the old one', async (t) => {
  await call('POST', '/accounts', { id: 'carol', username: 'carol', password: 'first password' });
  const changed = await call('PUT', '/accounts/carol/password', { password: 'second password' });
  t.is(changed.status, 200);
  t.falsy(await server.tollgate.accounts.authenticate('carol', 'first password'));
  t.truthy(await server.tollgate.accounts.authenticate('carol', 'second password'));
  t.is((await call('PUT', '/accounts/carol/password', { password: 'x' })).body.field, 'password');
});

test('a disabled account cannot sign in, and its refresh token stops working', async (t) => {
  await call('POST', '/accounts', { id: 'dave', username: 'dave', password: 'dave password' });
  const tokens = (await deviceLogin(server, { clientId: 'demo-cli', username: 'dave', password: 'dave password' })).tokens;
  await call('PATCH', '/accounts/dave', { disabled: true });
  t.falsy(await server.tollgate.accounts.authenticate('dave', 'dave password'));
  const refused = await refresh(tokens.refresh_token as string);
  t.is(refused.body.error, 'invalid_grant');
});

test("revoking an account's grants ends its logins but not others'", async (t) => {
  await call('POST', '/accounts', { id: 'erin', username: 'erin', password: 'erin password' });
  await call('POST', '/accounts', { id: 'frank', username: 'frank', password: 'frank password' });
  const first = (await deviceLogin(server, { clientId: 'demo-cli', username: 'erin', password: 'erin password' })).tokens;
  const second = (await deviceLogin(server, { clientId: 'demo-cli', username: 'erin', password: 'erin password' })).tokens;
  const other = (await deviceLogin(server, { clientId: 'demo-cli', username: 'frank', password: 'frank password' })).tokens;

  const revoked = await call('POST', '/accounts/erin/revoke-grants');
  t.is(revoked.status, 200);
  t.is(revoked.body.revoked_grants, 2);
  t.regex(revoked.body.note as string, /JWT access tokens/);
  t.is((await refresh(first.refresh_token as string)).body.error, 'invalid_grant');
  t.is((await refresh(second.refresh_token as string)).body.error, 'invalid_grant');
  t.is((await refresh(other.refresh_token as string)).status, 200);
});

test("revoking a client's grants ends every login made through it", async (t) => {
  await call('POST', '/clients', {
    client_id: 'lab-cli',
    grant_types: ['device_code', 'refresh_token'],
    token_endpoint_auth_method: 'none',
    resources: ['urn:tollgate:demo'],
    default_resource: 'urn:tollgate:demo',
    scopes: ['demo:read'],
  });
  await call('POST', '/accounts', { id: 'gina', username: 'gina', password: 'gina password' });
  const tokens = (await deviceLogin(server, { clientId: 'lab-cli', username: 'gina', password: 'gina password' })).tokens;
  const revoked = await call('POST', '/clients/lab-cli/revoke-grants');
  t.is(revoked.body.revoked_grants, 1);
  t.regex(revoked.body.note as string, /disable the client/);
  const refused = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token as string, client_id: 'lab-cli' });
  t.is(refused.body.error, 'invalid_grant');
});

test('deleting an account revokes its logins and removes it', async (t) => {
  await call('POST', '/accounts', { id: 'hank', username: 'hank', password: 'hank password' });
  const tokens = (await deviceLogin(server, { clientId: 'demo-cli', username: 'hank', password: 'hank password' })).tokens;
  const deleted = await call('DELETE', '/accounts/hank');
  t.is(deleted.status, 200);
  t.is(deleted.body.revoked_grants, 1);
  t.is((await call('GET', '/accounts/hank')).status, 404);
  t.is((await refresh(tokens.refresh_token as string)).body.error, 'invalid_grant');
  t.is((await call('POST', '/accounts', { id: 'hank2', username: 'hank', password: 'hank password' })).status, 201, 'the username is free again');
});

test('a resource server is created, read by its encoded identifier, updated and deleted', async (t) => {
  const created = await call('POST', '/resources', {
    identifier: 'https://inventory.example/api',
    name: 'Inventory',
    scopes: ['inventory:read'],
    access_token_ttl: 120,
  });
  t.is(created.status, 201);
  t.is(created.body.signing_alg, 'ES256');
  const path = `/resources/${encodeURIComponent('https://inventory.example/api')}`;
  t.is((await call('GET', path)).body.name, 'Inventory');
  const updated = await call('PATCH', path, { scopes: ['inventory:read', 'inventory:write'], access_token_ttl: null });
  t.deepEqual(updated.body.scopes, ['inventory:read', 'inventory:write']);
  t.is(updated.body.access_token_ttl, null);
  const listed = (await call('GET', '/resources')).body.resources as Array<{ identifier: string; built_in: boolean }>;
  t.is(listed[0]?.identifier, 'urn:tollgate:admin');
  t.true(listed[0]?.built_in);
  t.is((await call('DELETE', path)).status, 200);
  t.is((await call('GET', path)).status, 404);
});

test("a resource server's token TTL shows in the tokens issued for it", async (t) => {
  await call('POST', '/resources', { identifier: 'urn:example:short', scopes: ['s'], access_token_ttl: 60 });
  const created = await call('POST', '/clients', { client_id: 'short-lived', resources: ['urn:example:short'], scopes: ['s'] });
  const issued = await postForm(`${server.url}/token`, {
    grant_type: 'client_credentials',
    resource: 'urn:example:short',
    client_id: 'short-lived',
    client_secret: created.body.client_secret as string,
  });
  t.is(issued.body.expires_in, 60);
  const claims = decodeJwt(issued.body.access_token as string);
  t.is((claims.exp as number) - (claims.iat as number), 60);
});

const badResources: Array<[string, Record<string, unknown>, string]> = [
  ['a relative identifier', { identifier: 'inventory' }, 'identifier'],
  ['an identifier with a fragment', { identifier: 'https://api.example/#x' }, 'identifier'],
  ['a TTL of a week', { identifier: 'urn:example:week', access_token_ttl: 604800 }, 'access_token_ttl'],
  ['an unknown algorithm', { identifier: 'urn:example:hs', signing_alg: 'HS256' }, 'signing_alg'],
  ['an algorithm with no configured key', { identifier: 'urn:example:rsa', signing_alg: 'RS256' }, 'signing_alg'],
  ['a duplicated scope', { identifier: 'urn:example:dup', scopes: ['a', 'a'] }, 'scopes'],
];

for (const [what, body, field] of badResources) {
  test(`creating a resource server with ${what} is a 400 naming ${field}`, async (t) => {
    const response = await call('POST', '/resources', body);
    t.is(response.status, 400);
    t.is(response.body.field, field);
  });
}

test('the built-in admin resource cannot be changed, and one in use cannot be deleted', async (t) => {
  const admin = `/resources/${encodeURIComponent('urn:tollgate:admin')}`;
  t.is((await call('PATCH', admin, { name: 'mine' })).status, 409);
  t.is((await call('DELETE', admin)).status, 409);
  t.is((await call('POST', '/resources', { identifier: 'urn:tollgate:admin' })).status, 409);
  const demo = await call('DELETE', `/resources/${encodeURIComponent('urn:tollgate:demo')}`);
  t.is(demo.status, 409);
  t.regex(demo.body.error_description as string, /demo/);
  t.is((await call('POST', '/resources', { identifier: 'urn:tollgate:demo' })).status, 409, 'duplicate');
});

test('unknown accounts and resource servers are 404s on every endpoint', async (t) => {
  for (const [method, path] of [
    ['GET', '/accounts/nobody'],
    ['PATCH', '/accounts/nobody'],
    ['PUT', '/accounts/nobody/password'],
    ['POST', '/accounts/nobody/revoke-grants'],
    ['DELETE', '/accounts/nobody'],
    ['GET', '/resources/urn%3Anone'],
    ['PATCH', '/resources/urn%3Anone'],
    ['DELETE', '/resources/urn%3Anone'],
  ] as const) {
    const body = method === 'PUT' ? { password: 'long enough password' } : method === 'PATCH' ? {} : undefined;
    const response = await call(method, path, body);
    t.is(response.status, 404, `${method} ${path}`);
    t.is(response.body.error, 'not_found');
  }
});
