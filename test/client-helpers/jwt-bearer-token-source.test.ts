import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { decodeJwt } from 'jose';

import { createJwtBearerTokenSource, TokenSourceError } from '../../packages/client/src/index.ts';
import type { RunningServer } from '../../src/server.ts';
import { adminCall, startAdminTestServer } from '../helpers/admin-api.ts';
import { countingFetch } from '../helpers/counting-proxy.ts';
import { startTestIssuer, type TestIssuer } from '../helpers/test-issuer.ts';

let cluster: TestIssuer;
let server: RunningServer;
let stop: () => Promise<void>;
const directory = mkdtempSync(join(tmpdir(), 'tollgate-projected-'));
const clientId = 'payments-api';

test.before(async () => {
  cluster = await startTestIssuer();
  let adminToken: string;
  ({ server, token: adminToken, stop } = await startAdminTestServer({}, { overrides: { federation: { trustedIssuers: [{ issuer: cluster.issuer }] } } }));
  const created = await adminCall(server, adminToken, 'POST', '/clients', {
    client_id: clientId,
    grant_types: ['jwt-bearer'],
    token_endpoint_auth_method: 'none',
    federated_identities: [{ issuer: cluster.issuer, subject: 'system:serviceaccount:payments:api' }],
    resources: ['urn:tollgate:demo'],
    default_resource: 'urn:tollgate:demo',
    scopes: ['demo:read'],
    max_priority: { payments: 2 },
  });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
});

test.after.always(async () => {
  await stop?.();
  await cluster?.stop();
  rmSync(directory, { recursive: true, force: true });
});

const projectedToken = () => cluster.kubernetesToken('payments', 'api', server.url);

test('reads the projected token file, caches the access token, and re-reads the file when the platform rotates it', async (t) => {
  const file = join(directory, 'rotating-token');
  writeFileSync(file, `${await projectedToken()}\n`);
  const counter = countingFetch();
  const source = createJwtBearerTokenSource({ issuer: server.url, clientId, assertionFile: file, fetch: counter.fetch, retry: { attempts: 1 } });
  const [first, second] = await Promise.all([source.get(), source.get()]);
  t.is(first, second);
  t.is(await source.get(), first);
  t.is(counter.count('/token'), 1);
  t.is(decodeJwt(first).sub, clientId);
  t.deepEqual(decodeJwt(first).max_priority, { payments: 2 });

  // The kubelet rewrites the file; the next fetch must present what is there now.
  const stale = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';
  writeFileSync(file, stale);
  source.invalidate();
  const error = await t.throwsAsync(source.get(), { instanceOf: TokenSourceError, code: 'oauth_error' } as object);
  t.is((error as TokenSourceError).error, 'invalid_grant');
  t.false(error?.message.includes(stale));

  writeFileSync(file, await projectedToken());
  const renewed = await source.get();
  t.not(renewed, first);
  t.is(decodeJwt(renewed).client_id, clientId);
  t.is(counter.count('/token'), 3);
});

test('takes the platform token from a function, e.g. a CI ID-token request', async (t) => {
  let calls = 0;
  const source = createJwtBearerTokenSource({ issuer: server.url, clientId, assertion: async () => ((calls += 1), projectedToken()) });
  t.is(decodeJwt(await source.get()).sub, clientId);
  t.is(calls, 1);
});

test('a missing token file is assertion_unavailable, with no request sent', async (t) => {
  const counter = countingFetch();
  const source = createJwtBearerTokenSource({ tokenEndpoint: `${server.url}/token`, clientId, assertionFile: join(directory, 'absent'), fetch: counter.fetch });
  await t.throwsAsync(source.get(), { instanceOf: TokenSourceError, code: 'assertion_unavailable' } as object);
  t.is(counter.count(), 0);
  t.throws(() => createJwtBearerTokenSource({ issuer: server.url, clientId }), { instanceOf: TypeError });
});
