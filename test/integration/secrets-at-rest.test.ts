import test from 'ava';

import { generateClientSecret, hashClientSecret } from '../../src/clients/client-secret.ts';
import { grantTypes } from '../../src/clients/client-record.ts';
import { demoResource } from '../../src/demo/demo-principals.ts';
import type { RunningServer } from '../../src/server.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { eventually } from '../helpers/eventually.ts';
import { basicAuth, demoPassword, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { createTestClient } from '../helpers/test-principals.ts';

// SPEC §3: secrets are stored only as hashes. Everything tollgate wrote to Redis is read back
// by type and searched for every secret it was given.
const pepper = 'secrets-at-rest-pepper-0123456789abcdef';
let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url, env: { TOLLGATE_SECRET_PEPPER: pepper } });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

test('no client secret, password, pepper or token appears in plaintext anywhere in Redis', async (t) => {
  const secret = generateClientSecret();
  await createTestClient(server, { clientId: 'inventory-service', name: 'Inventory', authMethod: 'client_secret_post', grantTypes: [grantTypes.clientCredentials], scopes: ['demo:read'], resources: [demoResource], defaultResource: demoResource }, secret);
  const own = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: 'inventory-service', client_secret: secret });
  const demo = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(own.status, 200, 'the secret works, so the stored hash is the one compared');
  t.is(demo.status, 200);
  // Last-use stamps are written after the response; let them land before the dump.
  await eventually(async () => (await server.tollgate.clients.lastUsed('inventory-service')) && server.tollgate.clients.lastUsed('demo'), 'last-use stamps');

  const { text, keys } = await dumpRedis(redis.url);
  t.true(keys >= 5, `${keys} keys`);
  t.true(text.includes(hashClientSecret(secret, pepper)), 'the dump holds the client record, with the hash');
  t.true(text.includes('inventory-service'));
  const forbidden = { secret, demoSecret, demoPassword, pepper, ownToken: own.body.access_token as string, demoToken: demo.body.access_token as string };
  for (const [name, value] of Object.entries(forbidden)) {
    t.true(value.length >= 16, name);
    t.false(text.includes(value), `${name} is in Redis`);
    t.false(text.includes(encodeURIComponent(value)), `${name} (URL-encoded) is in Redis`);
    t.false(text.includes(Buffer.from(value).toString('base64')), `${name} (base64) is in Redis`);
  }
});
