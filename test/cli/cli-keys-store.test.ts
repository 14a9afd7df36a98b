import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';

import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import type { RunningServer } from '../../src/server.ts';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';

import { grantTypes } from '../../src/clients/client-record.ts';
import { generateClientSecret } from '../../src/clients/client-secret.ts';
import { adminCall, adminToken } from '../helpers/admin-api.ts';
import { eventually } from '../helpers/eventually.ts';
import { createTestClient } from '../helpers/test-principals.ts';
import { runCli, demoAdminEnv } from '../helpers/run-cli.ts';
import { basicAuth, postForm, startTestServer } from '../helpers/start-server.ts';

// SPEC §16 operated: `tollgate keys list|schedule|rotate|revoke|import` on the in-memory store
// (one process), through the admin API; the admin answers are checked against the OpenAPI schemas.
let server: RunningServer;
let fileServer: RunningServer;
let dir: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tollgate-cli-keys-'));
  server = await startTestServer({
    env: {
      TOLLGATE_KEY_SOURCE: 'store',
      TOLLGATE_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TOLLGATE_KEY_PUBLISH_AHEAD: '60',
      TOLLGATE_JWKS_MAX_AGE: '30',
    },
  });
  fileServer = await startTestServer();
});

test.after.always(async () => {
  await server?.stop();
  await fileServer?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const cli = (args: string[], target = server) =>
  runCli(['keys', ...args], {
    TOLLGATE_URL: target.url,
    TOLLGATE_ADMIN_CLIENT_ID: target.tollgate.demo?.adminClientId as string,
    TOLLGATE_ADMIN_CLIENT_SECRET: target.tollgate.demo?.adminClientSecret as string,
  });

interface KeyRow {
  kid: string;
  alg: string;
  state: string;
  signing: boolean;
}
const list = async () => (await cli(['list', '--json'])).json<KeyRow[]>();
const published = async () => ((await (await fetch(`${server.url}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);

test.serial("keys list shows the store's keys with state and dates; schedule shows the computed retention", async (t) => {
  const keys = await list();
  t.is(keys.length, 1);
  t.like(keys[0], { alg: 'ES256', state: 'active', signing: true });
  const token = await adminToken(server);
  const schedule = await adminCall(server, token, 'GET', '/keys/schedule');
  t.is(schedule.status, 200);
  t.like(schedule.body, { period_seconds: 30 * 24 * 3600, publish_ahead_seconds: 60, jwks_max_age_seconds: 30 });
  // Never shorter than the longest access-token lifetime (default 600 s) plus the skew (60 s).
  t.true((schedule.body.retention_seconds as number) >= 660);
  t.is((await cli(['schedule'])).code, 0);
});

test.serial('keys rotate publishes a next key that signs only after the lead time', async (t) => {
  const run = await cli(['rotate', '--json']);
  t.is(run.code, 0, run.stderr);
  const { activates } = run.json<{ activates: string }>();
  t.true(Date.parse(activates) - Date.now() > 50_000, 'not before it has been published for the lead time');
  const keys = await list();
  const next = keys.find((key) => key.state === 'next') as KeyRow;
  t.false(next.signing);
  t.true((await published()).includes(next.kid), 'the next key is published at once');
});

test.serial('keys revoke takes the key out of the JWKS at once and the published next key signs', async (t) => {
  const before = await list();
  const active = before.find((key) => key.signing) as KeyRow;
  const next = before.find((key) => key.state === 'next') as KeyRow;
  const run = await cli(['revoke', active.kid]);
  t.is(run.code, 0, run.stderr);
  t.regex(run.stdout, /REVOKED/);
  t.false((await published()).includes(active.kid));
  const after = await list();
  t.is(after.find((key) => key.signing)?.kid, next.kid);
  const tokenKid = JSON.parse(Buffer.from((await adminToken(server)).split('.')[0] as string, 'base64url').toString()).kid;
  t.is(tokenKid, next.kid, 'new tokens are signed by the promoted key');
  t.is((await cli(['revoke', active.kid])).code, 4, 'an unknown kid is not found');

  const metrics = await server.tollgate.metrics.registry.metrics();
  t.regex(metrics, /tollgate_signing_key_transitions_total\{kind="revoked"\} 1/);
  t.regex(metrics, /tollgate_security_events_total\{event="signing_key.revoked"\} 1/);
  t.regex(metrics, /tollgate_signing_key_active_age_seconds\{alg="ES256"\} \d/);
  t.regex(metrics, /tollgate_signing_key_next_transition_seconds \d/);
});

test.serial("keys import adds a file's keys, published, without taking over signing", async (t) => {
  const jwk = await generateSigningKey('ES256');
  const file = join(dir, 'old.json');
  await writeFile(file, JSON.stringify({ keys: [jwk] }));
  const run = await runCli(['keys', 'import', '--file', file, '--json'], demoAdminEnv(server));
  t.is(run.code, 0, run.stderr);
  t.like(
    (await list()).find((key) => key.kid === jwk.kid),
    { state: 'retired', signing: false },
  );
  t.true((await published()).includes(jwk.kid as string));
});

test.serial('in file mode the store commands answer conflict and say how to rotate', async (t) => {
  const run = await cli(['rotate'], fileServer);
  t.is(run.code, 5);
  t.regex(run.stderr, /keys add\|promote\|retire --file/);
});

test.serial('a resource server asking for RS256 gets an RS256 key within a check interval, and its tokens verify', async (t) => {
  const admin = await adminToken(server);
  const created = await adminCall(server, admin, 'POST', '/resources', {
    identifier: 'https://rsa.example',
    name: 'RSA API',
    scopes: ['rsa:read'],
    signing_alg: 'RS256',
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  const secret = generateClientSecret();
  const client = await createTestClient(
    server,
    { grantTypes: [grantTypes.clientCredentials], scopes: ['rsa:read'], resources: ['https://rsa.example'], defaultResource: 'https://rsa.example' },
    secret,
  );
  const issued = await eventually(
    async () => {
      const answer = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth(client.clientId, secret) });
      return answer.status === 200 ? (answer.body.access_token as string) : undefined;
    },
    'an RS256 token',
    8000,
  );
  t.is(decodeProtectedHeader(issued).alg, 'RS256');
  const jwks = (await (await fetch(`${server.url}/jwks`)).json()) as JSONWebKeySet;
  await t.notThrowsAsync(compactVerify(issued, createLocalJWKSet(jwks)));
});
