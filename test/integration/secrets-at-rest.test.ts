import test, { type ExecutionContext } from 'ava';
import { Redis } from 'ioredis';

import { generateClientSecret, hashClientSecret } from '../../src/clients/client-secret.ts';
import { grantTypes } from '../../src/clients/client-record.ts';
import { demoResource } from '../../src/demo/demo-principals.ts';
import type { RunningServer } from '../../src/server.ts';
import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { approveInBrowser, pollToken, relaxedLimits, startDeviceAuthorization } from '../helpers/device-login.ts';
import { createTokenDigest } from '../../src/storage/token-digest.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { eventually } from '../helpers/eventually.ts';
import { createTestClient } from '../helpers/test-principals.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoPassword, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { TestBrowser, type Page } from '../helpers/test-browser.ts';

// SPEC §3: secrets are stored only as hashes. Everything tollgate wrote to Redis is read back
// by type and searched for every secret it was given.
const pepper = 'secrets-at-rest-pepper-0123456789abcdef';
let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_SECRET_PEPPER: pepper, TOLLGATE_DEVICE_POLL_INTERVAL: '1', ...relaxedLimits } });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

/** Fails the test for every credential found in the dump: plain, URL-encoded or base64. */
function assertAbsent(t: ExecutionContext, text: string, forbidden: Record<string, string>) {
  for (const [name, value] of Object.entries(forbidden)) {
    t.true(value.length >= 8, name);
    t.false(text.includes(value), `${name} is in Redis`);
    t.false(text.includes(encodeURIComponent(value)), `${name} (URL-encoded) is in Redis`);
    t.false(text.includes(Buffer.from(value).toString('base64')), `${name} (base64) is in Redis`);
    t.false(text.includes(Buffer.from(value).toString('base64url')), `${name} (base64url) is in Redis`);
  }
}

test('no client secret, password, pepper or token appears in plaintext anywhere in Redis', async (t) => {
  const secret = generateClientSecret();
  await createTestClient(
    server,
    {
      clientId: 'inventory-service',
      name: 'Inventory',
      authMethod: 'client_secret_post',
      grantTypes: [grantTypes.clientCredentials],
      scopes: ['demo:read'],
      resources: [demoResource],
      defaultResource: demoResource,
    },
    secret,
  );
  const own = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: 'inventory-service', client_secret: secret });
  const demo = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(own.status, 200, 'the secret works, so the stored hash is the one compared');
  t.is(demo.status, 200);
  await eventually(async () => (await server.tollgate.clients.lastUsed('inventory-service')) && server.tollgate.clients.lastUsed('demo'), 'last-use stamps');

  const { text, keys } = await dumpRedis(redis.url);
  t.true(keys >= 5, `${keys} keys`);
  t.true(text.includes(hashClientSecret(secret, pepper)), 'the dump holds the client record, with the hash');
  t.true(text.includes('inventory-service'));
  assertAbsent(t, text, { secret, demoSecret, demoPassword, pepper, ownToken: own.body.access_token as string, demoToken: demo.body.access_token as string });
});

const interactionIds = (pages: Array<Page | undefined>) =>
  pages.flatMap((page) => [...`${page?.url ?? ''} ${page?.html ?? ''}`.matchAll(/\/interaction\/([A-Za-z0-9_-]{16,})/g)].map((match) => match[1] as string));

// Issue 11.2: a read-only copy of Redis must not be enough to refresh a login, take over a
// pending device login, register a client or read one. Every flow runs against this Redis,
// each leaving what it stores behind (one device login is left pending half-way), then the
// whole dump is searched for every token, code and id those flows produced.
test('a dump of a Redis used by every flow holds none of the tokens, codes and ids they produced', async (t) => {
  const credentials: Record<string, string> = {};
  const remember = (name: string, value: unknown) => {
    t.is(typeof value, 'string', name);
    credentials[name] = value as string;
  };

  // Client credentials and registration behind an initial access token (RFC 7591/7592).
  const admin = await adminToken(server);
  remember('admin access token', admin);
  const issued = await adminCall(server, admin, 'POST', '/initial-access-tokens', { resources: [demoResource], scopes: ['demo:read'] });
  t.is(issued.status, 201);
  remember('initial access token', issued.body.initial_access_token);
  const registration = await fetch(`${server.url}/reg`, {
    method: 'POST',
    headers: { authorization: `Bearer ${credentials['initial access token']}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'dumped', grant_types: ['client_credentials'] }),
  });
  const registered = (await registration.json()) as Record<string, unknown>;
  t.is(registration.status, 201);
  remember('registration access token', registered.registration_access_token);
  remember('registered client secret', registered.client_secret);
  const read = await fetch(registered.registration_client_uri as string, { headers: { authorization: `Bearer ${credentials['registration access token']}` } });
  t.is(read.status, 200, 'the registration is found by its hashed token');

  // Device login, approved, then refreshed twice.
  const browser = new TestBrowser();
  const approved = await startDeviceAuthorization(server);
  remember('device code', approved.device_code);
  remember('user code', approved.user_code);
  remember('user code (normalised)', approved.user_code.replace(/[^A-Z]/gi, '').toUpperCase());
  const pages = await approveInBrowser(approved.verification_uri, approved.user_code, { browser });
  const tokens = await pollToken(server, approved.device_code);
  t.is(tokens.status, 200);
  remember('access token', tokens.body.access_token);
  remember('first refresh token', tokens.body.refresh_token);
  let refreshToken = tokens.body.refresh_token as string;
  for (const round of [1, 2]) {
    const refreshed = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'demo-cli' });
    t.is(refreshed.status, 200);
    refreshToken = refreshed.body.refresh_token as string;
    remember(`refresh token ${round + 1}`, refreshToken);
  }

  // A second device login left at the sign-in page: its codes and interaction are pending.
  const pending = await startDeviceAuthorization(server);
  remember('pending device code', pending.device_code);
  remember('pending user code', pending.user_code);
  const pendingBrowser = new TestBrowser();
  const codePage = await pendingBrowser.request(pending.verification_uri);
  const signIn = await pendingBrowser.submit(codePage, { user_code: pending.user_code });

  const ids = [...new Set(interactionIds([pages.codePage, pages.signIn, pages.confirm, pages.done, codePage, signIn]))];
  t.true(ids.length >= 2, `interaction ids seen: ${ids.length}`);
  ids.forEach((id, index) => remember(`interaction id ${index + 1}`, id));
  for (const { name, value } of [...browser.jar.values(), ...pendingBrowser.jar.values()]) {
    if (!name.endsWith('.sig') && value.length >= 16) remember(`cookie ${name}`, value);
  }
  t.truthy(
    Object.keys(credentials).find((name) => name.startsWith('cookie _session')),
    'the session cookie was seen',
  );

  await new Promise((resolve) => setTimeout(resolve, 200));
  const { text, keys } = await dumpRedis(redis.url);
  t.true(keys >= 15, `${keys} keys`);
  t.true(text.includes('dumped'), 'the registered client is in the dump');
  assertAbsent(t, text, credentials);
});

/** The digest naming `credential`'s key, checked to be in a key name of `model` in the Redis. */
async function digestInKeyName(model: string, credential: string): Promise<string> {
  const digest = createTokenDigest(pepper).name(credential);
  const client = new Redis(redis.url);
  try {
    const names = await client.keys(`*oidc:${model}:{${digest}}`);
    if (names.length !== 1) throw new Error(`no ${model} key is named by the digest`);
    return digest;
  } finally {
    client.disconnect();
  }
}

// Issue 21.4: a digest read from a key name in a dump, presented as the credential, named the
// sealed key in the old (plain) key format, whose parser failed on the sealed value: a 500.
test('a digest taken from a key name and presented as a device code is refused as an unknown one, and the real code is untouched', async (t) => {
  const pending = await startDeviceAuthorization(server);
  const digest = await digestInKeyName('DeviceCode', pending.device_code);
  t.not(digest, pending.device_code);

  const unknown = await pollToken(server, 'an-unknown-device-code-0123456789abcdef');
  const presented = await pollToken(server, digest);
  t.is(presented.status, 400);
  t.is(presented.body.error, 'invalid_grant');
  t.deepEqual(presented.body, unknown.body, 'the same answer as for any unknown code');
  const real = await pollToken(server, pending.device_code);
  t.is(real.body.error, 'authorization_pending', 'the real device code was neither consumed nor deleted');
});

test('a digest taken from a key name and presented as a registration access token is refused as an unknown one, and the registration is untouched', async (t) => {
  const admin = await adminToken(server);
  const issued = await adminCall(server, admin, 'POST', '/initial-access-tokens', { resources: [demoResource], scopes: ['demo:read'] });
  const registration = await fetch(`${server.url}/reg`, {
    method: 'POST',
    headers: { authorization: `Bearer ${issued.body.initial_access_token as string}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: 'digest-probe', grant_types: ['client_credentials'] }),
  });
  t.is(registration.status, 201);
  const registered = (await registration.json()) as Record<string, string>;
  const digest = await digestInKeyName('RegistrationAccessToken', registered.registration_access_token as string);
  const uri = registered.registration_client_uri as string;

  const unknown = await fetch(uri, { headers: { authorization: 'Bearer an-unknown-registration-token-0123456789' } });
  for (const method of ['GET', 'DELETE']) {
    const presented = await fetch(uri, { method, headers: { authorization: `Bearer ${digest}` } });
    t.is(presented.status, unknown.status, method);
    t.is(presented.status, 401, method);
    t.deepEqual(await presented.json(), await unknown.clone().json(), `${method}: the same answer as for any unknown token`);
  }
  const real = await fetch(uri, { headers: { authorization: `Bearer ${registered.registration_access_token as string}` } });
  t.is(real.status, 200, 'the registration and its token are untouched');
});
