import test from 'ava';

import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';

let server: RunningServer;
let admin: string;
let stop: () => Promise<void>;

test.before(async () => ({ server, token: admin, stop } = await startAdminTestServer()));
test.after.always(() => stop?.());

const register = (token: string) =>
  fetch(`${server.url}/reg`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'self-registered', grant_types: ['client_credentials'] }),
  });

test('issued initial access tokens are listed with their terms, never the token itself', async (t) => {
  const issued = await adminCall(server, admin, 'POST', '/initial-access-tokens', {
    resources: ['urn:tollgate:demo'],
    scopes: ['demo:read'],
    single_use: true,
  });
  t.is(issued.status, 201);
  const token = issued.body.initial_access_token as string;
  const { status, body } = await adminCall(server, admin, 'GET', '/initial-access-tokens');
  t.is(status, 200);
  const listed = (body.initial_access_tokens as Record<string, unknown>[]).find((entry) => entry.id === issued.body.id);
  t.like(listed, { resources: ['urn:tollgate:demo'], scopes: ['demo:read'], single_use: true, expires_at: issued.body.expires_at });
  t.false(JSON.stringify(body).includes(token));
});

test('a revoked initial access token registers nothing and leaves the list', async (t) => {
  const issued = await adminCall(server, admin, 'POST', '/initial-access-tokens', { resources: ['urn:tollgate:demo'] });
  const revoked = await adminCall(server, admin, 'DELETE', `/initial-access-tokens/${issued.body.id as string}`);
  t.is(revoked.status, 200);
  t.deepEqual(revoked.body, { id: issued.body.id, revoked: true });

  const registration = await register(issued.body.initial_access_token as string);
  t.is(registration.status, 401);
  t.is(((await registration.json()) as { error: string }).error, 'invalid_token');
  const { body } = await adminCall(server, admin, 'GET', '/initial-access-tokens');
  t.false((body.initial_access_tokens as { id: string }[]).some((entry) => entry.id === issued.body.id));
  const again = await adminCall(server, admin, 'DELETE', `/initial-access-tokens/${issued.body.id as string}`);
  t.is(again.status, 404);
  t.is(again.body.error, 'not_found');
});

test('a spent single-use initial access token leaves the list', async (t) => {
  const issued = await adminCall(server, admin, 'POST', '/initial-access-tokens', { resources: ['urn:tollgate:demo'], single_use: true });
  t.is((await register(issued.body.initial_access_token as string)).status, 201);
  const { body } = await adminCall(server, admin, 'GET', '/initial-access-tokens');
  t.false((body.initial_access_tokens as { id: string }[]).some((entry) => entry.id === issued.body.id));
});
