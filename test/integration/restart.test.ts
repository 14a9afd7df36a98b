import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { generateClientSecret } from '../../src/clients/client-secret.ts';
import { grantTypes } from '../../src/clients/client-record.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import type { RunningServer } from '../../src/server.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { eventually } from '../helpers/eventually.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { createTestClient } from '../helpers/test-principals.ts';

// SPEC §4: nothing already stored is lost by a tollgate restart. Two processes in turn on one
// Redis and one configured JWKS, the second on the port (and so the issuer) of the first.
let redis: TestRedis;
let jwks: string;

test.before(async () => {
  redis = await startRedis();
  jwks = JSON.stringify({ keys: [await generateSigningKey('ES256'), await generateSigningKey('RS256')] });
});

test.after.always(async () => {
  await redis?.stop();
});

async function verifyThroughDiscovery(server: RunningServer, token: string, audience: string) {
  const discovery = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string; jwks_uri: string };
  return jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer: discovery.issuer, audience, typ: 'at+jwt' });
}

/** Stops `before` and starts the next tollgate on the same port, Redis and keys. */
async function restart(before: RunningServer, env: Record<string, string>): Promise<RunningServer> {
  const { port } = new URL(before.url);
  await before.stop();
  return startTestServer({ redisUrl: redis.url, env: { ...env, PORT: port } });
}

test.serial('a token issued before a restart verifies against the JWKS after it, and the client still authenticates', async (t) => {
  const env = { TOLLGATE_JWKS: jwks };
  const first = await startTestServer({ redisUrl: redis.url, env });
  const issued = await postForm(`${first.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(issued.status, 200);

  const second = await restart(first, env);
  try {
    t.is(second.url, first.url);
    const { payload } = await verifyThroughDiscovery(second, issued.body.access_token as string, 'urn:tollgate:demo');
    t.is(payload.client_id, 'demo');
    const again = await postForm(`${second.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
    t.is(again.status, 200);
  } finally {
    await second.stop();
  }
});

test.serial('with TOLLGATE_DEMO=false a client, resource server and last-use stamp created before a restart are all there after it', async (t) => {
  // Its own key prefix: nothing the demo wrote above is visible.
  const env = { TOLLGATE_JWKS: jwks, TOLLGATE_DEMO: 'false', TOLLGATE_REDIS_PREFIX: 'nodemo:' };
  const first = await startTestServer({ redisUrl: redis.url, env });
  t.is(first.tollgate.demo, undefined);
  t.is(await first.tollgate.clients.get('demo'), undefined);

  const secret = generateClientSecret();
  const now = new Date().toISOString();
  await first.tollgate.resources.create({
    identifier: 'https://inventory.example',
    name: 'Inventory',
    scopes: ['inventory:read'],
    signingAlg: 'RS256',
    createdAt: now,
    updatedAt: now,
  });
  await createTestClient(
    first,
    {
      clientId: 'boot-script',
      name: 'Boot script service',
      grantTypes: [grantTypes.clientCredentials],
      scopes: ['inventory:read'],
      resources: ['https://inventory.example'],
      defaultResource: 'https://inventory.example',
      maxPriority: { lab: 7 },
    },
    secret,
  );
  const issued = await postForm(`${first.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('boot-script', secret) });
  t.is(issued.status, 200);
  // The last-use stamp is written after the response.
  const lastUsed = await eventually(() => first.tollgate.clients.lastUsed('boot-script'), 'last-use stamp');
  t.truthy(lastUsed);

  const second = await restart(first, env);
  try {
    const { payload, protectedHeader } = await verifyThroughDiscovery(second, issued.body.access_token as string, 'https://inventory.example');
    t.is(protectedHeader.alg, 'RS256');
    t.deepEqual(payload.max_priority, { lab: 7 });
    t.is(await second.tollgate.clients.lastUsed('boot-script'), lastUsed);
    const again = await postForm(`${second.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('boot-script', secret) });
    t.is(again.status, 200);
    t.is((await verifyThroughDiscovery(second, again.body.access_token as string, 'https://inventory.example')).payload.scope, 'inventory:read');
  } finally {
    await second.stop();
  }
});
