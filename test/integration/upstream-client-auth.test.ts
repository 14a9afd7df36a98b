import { setTimeout as sleep } from 'node:timers/promises';

import test from 'ava';
import { exportJWK, generateKeyPair } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { captureLog } from '../helpers/capture-log.ts';
import { freePort } from '../helpers/free-port.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { startTestIdp, type TestIdp } from '../helpers/start-test-idp.ts';
import { alice, approveAndPoll, refresh, startUpstreamServer, upstreamScopes, upstreamSignIn, type UpstreamTestBed } from '../helpers/upstream-setup.ts';

// How tollgate authenticates at an upstream's token endpoint, against an IdP that accepts only
// client_secret_post and private_key_jwt (as Glewlwyd advertises), with client ids holding "-".
const log = captureLog('trace');
const secrets = { strict: 'strict-upstream-client-secret-0123456789', basic: 'basic-upstream-client-secret-0123456789' };
let redis: TestRedis;
let idp: TestIdp;
let server: RunningServer;
let bed: UpstreamTestBed;

test.before(async () => {
  redis = await startRedis();
  const port = await freePort();
  const base = `http://localhost:${port}`;
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'tollgate-upstream-key-1';
  idp = await startTestIdp(
    [
      {
        clientId: 'tollgate-post-only',
        clientSecret: secrets.strict,
        redirectUri: `${base}/upstream/strict/callback`,
        tokenEndpointAuthMethod: 'client_secret_post',
      },
      {
        clientId: 'tollgate-basic',
        clientSecret: secrets.basic,
        redirectUri: `${base}/upstream/basic/callback`,
        tokenEndpointAuthMethod: 'client_secret_post',
      },
      {
        clientId: 'tollgate-keyed',
        redirectUri: `${base}/upstream/keyed/callback`,
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256' }] },
      },
    ],
    { clientAuthMethods: ['client_secret_post', 'private_key_jwt'] },
  );
  const common = { type: 'oidc', issuer: idp.issuer, scopes: upstreamScopes, reverifyAfter: 1 };
  server = await startUpstreamServer(redis, log, port, {
    env: {
      STRICT_SECRET: secrets.strict,
      BASIC_SECRET: secrets.basic,
      KEYED_KEY: JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' }),
    },
    overrides: {
      upstreams: [
        { ...common, id: 'strict', name: 'Strict IdP', clientId: 'tollgate-post-only', clientSecretEnv: 'STRICT_SECRET' },
        {
          ...common,
          id: 'basic',
          name: 'Basic IdP',
          clientId: 'tollgate-basic',
          clientSecretEnv: 'BASIC_SECRET',
          tokenEndpointAuthMethod: 'client_secret_basic',
        },
        { ...common, id: 'keyed', name: 'Keyed IdP', clientId: 'tollgate-keyed', tokenEndpointAuthMethod: 'private_key_jwt', privateKeyEnv: 'KEYED_KEY' },
      ],
    },
  });
  bed = { server } as UpstreamTestBed;
  for (const name of ['pat', 'kai', 'bo']) idp.people.set(`${name}-sub`, { ...alice, preferred_username: name, email: `${name}@acme.test` });
});

test.after.always(async () => {
  await server?.stop();
  await idp?.stop();
  await redis?.stop();
});

test('with no tokenEndpointAuthMethod set, an upstream that advertises only client_secret_post is used with it at sign-in and at re-check', async (t) => {
  const { status, body } = await approveAndPoll(bed, await upstreamSignIn(bed, 'strict', 'pat-sub'));
  t.is(status, 200, JSON.stringify(body));
  t.true(
    log.lines(/^upstream token endpoint authentication$/).some((line) => line.upstream === 'strict' && line.tokenEndpointAuthMethod === 'client_secret_post'),
  );
  await sleep(1_100);
  const refreshed = await refresh(bed, body.refresh_token as string);
  t.is(refreshed.status, 200, 'the re-check redeemed the upstream refresh token with client_secret_post');
});

test('tokenEndpointAuthMethod private_key_jwt signs in and re-checks with a client assertion and no secret', async (t) => {
  const { status, body } = await approveAndPoll(bed, await upstreamSignIn(bed, 'keyed', 'kai-sub'));
  t.is(status, 200, JSON.stringify(body));
  await sleep(1_100);
  t.is((await refresh(bed, body.refresh_token as string)).status, 200);
});

test('a refusal at the upstream token endpoint is logged with its error, description and HTTP status, and no secret', async (t) => {
  const login = await upstreamSignIn(bed, 'basic', 'bo-sub');
  t.is(login.after.status, 400, login.after.text.slice(0, 2000));
  t.regex(login.after.text, /failed tollgate's checks/);
  const [line] = log.lines(/^upstream answer not accepted$/).filter((entry) => entry.upstream === 'basic');
  t.like(line?.upstreamResponse, { status: 401, error: 'invalid_client' });
  t.is(typeof (line?.upstreamResponse as { error_description?: unknown })?.error_description, 'string');
  t.regex(String((line?.err as { message?: unknown })?.message), /401 invalid_client/);
  t.false(log.text().includes(secrets.basic));
  t.false(log.text().includes(secrets.strict));
});
