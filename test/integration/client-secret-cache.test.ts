import test from 'ava';

import { adminCall, adminToken, checkDisableAndEnable, clientCredentials } from '../helpers/admin-api.ts';
import { serverOnRedisPerFile } from '../helpers/server-per-file.ts';

// The default client cache (2 s), so a secret that authenticated once is remembered with its
// client record, and so is the oidc-provider Client built from it; these tests check that the
// memory never outlives what it remembers.
const shared = serverOnRedisPerFile();
let token: string;

test.before(async () => {
  token = await adminToken(shared.server);
});

const call = (method: string, path: string, body?: unknown) => adminCall(shared.server, token, method, path, body);
const clientToken = (clientId: string, secret: string) => clientCredentials(shared.server, clientId, secret);

test('a secret that has just authenticated stops working the moment it is rotated away', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'cache-rotate', resources: ['urn:tollgate:demo'] });
  const first = created.body.client_secret as string;
  t.is((await clientToken('cache-rotate', first)).status, 200);
  t.is((await clientToken('cache-rotate', first)).status, 200);

  const rotated = await call('POST', '/clients/cache-rotate/rotate-secret', {});
  const refused = await clientToken('cache-rotate', first);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
  t.is((await clientToken('cache-rotate', rotated.body.client_secret as string)).status, 200);
});

test('a wrong secret is refused right after the right one authenticated', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'cache-wrong', resources: ['urn:tollgate:demo'] });
  const secret = created.body.client_secret as string;
  t.is((await clientToken('cache-wrong', secret)).status, 200);
  const wrong = await clientToken('cache-wrong', `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`);
  t.is(wrong.status, 401);
  t.is(wrong.body.error, 'invalid_client');
  t.is((await clientToken('cache-wrong', secret)).status, 200);
});

test('a previous secret that authenticated during its overlap window stops working when the window ends', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'cache-overlap', resources: ['urn:tollgate:demo'] });
  const previous = created.body.client_secret as string;
  const rotated = await call('POST', '/clients/cache-overlap/rotate-secret', { overlap_seconds: 1 });
  t.is(rotated.status, 200);
  t.is((await clientToken('cache-overlap', previous)).status, 200);

  const windowEnd = Date.parse((rotated.body.previous_secrets_expire_at as string[])[0] as string);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowEnd - Date.now()) + 50));
  const refused = await clientToken('cache-overlap', previous);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
});

test('a client that just got a token is refused at once when disabled, and served again when enabled', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'cache-disable', resources: ['urn:tollgate:demo'] });
  const secret = created.body.client_secret as string;
  t.is((await clientToken('cache-disable', secret)).status, 200);
  await checkDisableAndEnable(t, shared.server, token, 'cache-disable', secret);
});

test('a client that just got a token is held at once to its new grant types', async (t) => {
  const created = await call('POST', '/clients', { client_id: 'cache-grants', resources: ['urn:tollgate:demo'] });
  const secret = created.body.client_secret as string;
  t.is((await clientToken('cache-grants', secret)).status, 200);
  t.is((await call('PATCH', '/clients/cache-grants', { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] })).status, 200);
  const refused = await clientToken('cache-grants', secret);
  t.is(refused.status, 400);
  t.is(refused.body.error, 'unauthorized_client');
  await call('PATCH', '/clients/cache-grants', { grant_types: ['client_credentials'] });
  t.is((await clientToken('cache-grants', secret)).status, 200);
});
