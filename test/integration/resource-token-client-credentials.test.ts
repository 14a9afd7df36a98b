import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';

import { createResourceTokenSource, resourceTokenCredentials } from '../../packages/client/src/resource-token-source.ts';
import type { AccountRecord } from '../../src/accounts/account-record.ts';
import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { runCli } from '../helpers/run-cli.ts';
import { clientIdOf, inDays, resourceTokenGrant } from '../helpers/self-service.ts';
import { basicAuth, postForm } from '../helpers/start-server.ts';

const resource = 'https://plugins.example.org';
const log = captureLog();
let server: RunningServer;
let adminToken: string;
let stop: () => Promise<void>;

const alice: AccountRecord = {
  id: 'alice',
  username: 'alice',
  name: 'Alice',
  passwordHash: '',
  maxPriority: { ci: 9 },
  disabled: false,
  createdAt: '',
  updatedAt: '',
};
const context = { actor: { kind: 'account' as const, id: 'alice' } };

test.before(async () => {
  ({ server, token: adminToken, stop } = await startAdminTestServer({}, { logger: log.logger }));
  const created = await adminCall(server, adminToken, 'POST', '/resources', {
    identifier: resource,
    scopes: ['publish', 'read'],
    maintainers: { accounts: ['alice'] },
    self_service: true,
    self_service_max_priority: { ci: 5 },
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
});
test.after.always(() => stop?.());

async function makeToken(fields: Record<string, unknown> = {}) {
  const record = await server.tollgate.resources.get(resource);
  if (!record) throw new Error('no resource');
  return server.tollgate.selfService.tokens.create(
    record,
    alice,
    alice.maxPriority,
    { description: 'release workflow', expires_at: inDays(30), ...fields } as never,
    context,
  );
}

const clientCredentials = (value: string, form: Record<string, string> = {}) => resourceTokenGrant(server, value, form);

test('a resource token gets a JWT for its resource, with its scopes and max_priority, naming the token and not its creator', async (t) => {
  const { value, record } = await makeToken({ scopes: ['publish'], max_priority: { ci: 4 } });
  const { status, body } = await clientCredentials(value);
  t.is(status, 200, JSON.stringify(body));
  const { payload, protectedHeader } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(`${server.url}/jwks`)), {
    issuer: server.url,
    audience: resource,
  });
  t.is(protectedHeader.typ, 'at+jwt');
  t.is(payload.sub, record.id);
  t.is(payload.client_id, record.id);
  t.is(payload.scope, 'publish');
  t.deepEqual(payload.max_priority, { ci: 4 });
  t.false(JSON.stringify(payload).includes('alice'));
});

test('a resource token gets no token for another resource or a scope it lacks', async (t) => {
  const { value } = await makeToken({ scopes: ['read'] });
  const other = await clientCredentials(value, { resource: 'urn:tollgate:admin', scope: 'admin' });
  t.is(other.status, 400);
  t.is(other.body.error, 'invalid_target');
  const scope = await clientCredentials(value, { scope: 'publish' });
  t.is(scope.status, 400);
  t.is(scope.body.error, 'invalid_scope');
});

test('a revoked resource token is refused at once with invalid_client', async (t) => {
  const { value, record } = await makeToken();
  t.is((await clientCredentials(value)).status, 200);
  const stored = await server.tollgate.resources.get(resource);
  await server.tollgate.selfService.tokens.revoke(stored as never, record.id, context);
  const refused = await clientCredentials(value);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
});

test('an expired resource token is refused with invalid_client', async (t) => {
  const { value } = await makeToken({ expires_at: new Date(Date.now() + 4000).toISOString() });
  t.is((await clientCredentials(value)).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 4200));
  const refused = await clientCredentials(value);
  t.is(refused.status, 401);
  t.is(refused.body.error, 'invalid_client');
});

test('a wrong value for a real token id, and a rotated-away value, are refused with invalid_client', async (t) => {
  const { value, record } = await makeToken();
  const wrong = await postForm(
    `${server.url}/token`,
    { grant_type: 'client_credentials' },
    { authorization: basicAuth(record.id, `${value.slice(0, -8)}AAAAAAAA`) },
  );
  t.is(wrong.status, 401);
  t.is(wrong.body.error, 'invalid_client');
  const stored = await server.tollgate.resources.get(resource);
  const rotated = await server.tollgate.selfService.tokens.rotate(stored as never, record.id, 0, context);
  t.is((await clientCredentials(value)).body.error, 'invalid_client');
  t.is((await clientCredentials(rotated.value)).status, 200);
});

test('the first use is recorded with the caller IP and reported once as a security event, without the value', async (t) => {
  const { value, record } = await makeToken();
  await clientCredentials(value);
  await clientCredentials(value);
  let use;
  for (let attempt = 0; attempt < 50 && !use; attempt += 1) {
    use = await server.tollgate.selfService.store.lastUsed(record.id);
    if (!use) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  t.is(use?.ip, '127.0.0.1');
  const firstUses = log.lines(/security event/).filter((line) => line.securityEvent === 'resource_token.first_used' && line.tokenId === record.id);
  t.is(firstUses.length, 1);
  t.false(log.text().includes(value));
});

test('the admin API refuses a client id shaped like a resource token', async (t) => {
  const response = await adminCall(server, adminToken, 'POST', '/clients', {
    client_id: 'tgrt_ABCDEFabcdef',
    grant_types: ['client_credentials'],
    resources: [resource],
  });
  t.is(response.status, 400);
  t.is(response.body.field, 'client_id');
});

test('plain curl -u with the token id and value gets an access token', async (t) => {
  const { value } = await makeToken();
  const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve, reject) => {
    const child = spawn('curl', ['-sS', '-u', `${clientIdOf(value)}:${value}`, '-d', 'grant_type=client_credentials', `${server.url}/token`]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exit) => resolve({ stdout: out, code: exit }));
  });
  t.is(code, 0);
  const body = JSON.parse(stdout) as { access_token: string };
  t.is(decodeJwt(body.access_token).aud, resource);
});

test('tollgate token prints an access token from a resource token in an environment variable or a file', async (t) => {
  const { value, record } = await makeToken();
  const fromEnv = await runCli(['token', '--resource-token-env', 'CI_TOKEN', '--json'], { TOLLGATE_URL: server.url, CI_TOKEN: value });
  t.is(fromEnv.code, 0, fromEnv.stderr);
  t.is(decodeJwt(fromEnv.json().access_token as string).client_id, record.id);
  const directory = await mkdtemp(join(tmpdir(), 'rt-'));
  try {
    await writeFile(join(directory, 'token'), `${value}\n`, { mode: 0o600 });
    const fromFile = await runCli(['token', '--issuer', server.url, '--resource-token-file', join(directory, 'token')]);
    t.is(fromFile.code, 0, fromFile.stderr);
    t.is(decodeJwt(fromFile.stdout.trim()).sub, record.id);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  const fromDefault = await runCli(['token', '--json'], { TOLLGATE_URL: server.url, TOLLGATE_RESOURCE_TOKEN: value });
  t.is(fromDefault.code, 0, fromDefault.stderr);
});

test('tollgate token with a mistyped or revoked resource token fails with a clear error and exit code, never printing the value', async (t) => {
  const { value, record } = await makeToken();
  const mistyped = await runCli(['token'], {
    TOLLGATE_URL: server.url,
    TOLLGATE_RESOURCE_TOKEN: `${value.slice(0, -1)}0` === value ? `${value.slice(0, -1)}1` : `${value.slice(0, -1)}0`,
  });
  t.is(mistyped.code, 2);
  t.regex(mistyped.stderr, /malformed/);
  const stored = await server.tollgate.resources.get(resource);
  await server.tollgate.selfService.tokens.revoke(stored as never, record.id, context);
  const revoked = await runCli(['token'], { TOLLGATE_URL: server.url, TOLLGATE_RESOURCE_TOKEN: value });
  t.is(revoked.code, 3);
  t.regex(revoked.stderr, /invalid_client/);
  t.false(revoked.stderr.includes(value));
});

test('the client helper takes the one copyable value and keeps a token for the resource', async (t) => {
  const { value, record } = await makeToken();
  const source = createResourceTokenSource({ issuer: server.url, resourceToken: value });
  const accessToken = await source.get();
  t.is(decodeJwt(accessToken).client_id, record.id);
  t.is(await source.get(), accessToken, 'cached');
  t.throws(() => resourceTokenCredentials('tgrt_nope'), { instanceOf: TypeError });
});
