import test from 'ava';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { startRedisCluster, type TestRedisCluster } from '../helpers/start-redis-cluster.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { storageContract } from '../storage/storage-contract.ts';

// SPEC §4: the same code on Redis Cluster. Three real masters; tollgate finds them from
// TOLLGATE_REDIS_NODES. Every key a multi-key operation touches shares one hash tag (see
// src/storage/redis-keys.ts), so no command may fail with CROSSSLOT.
let cluster: TestRedisCluster;
let server: RunningServer;

test.before(async () => {
  cluster = await startRedisCluster();
  server = await startTestServer({ env: { TOLLGATE_REDIS_MODE: 'cluster', TOLLGATE_REDIS_NODES: cluster.nodes.join(','), TOLLGATE_DEMO: 'true' } });
});

test.after.always(async () => {
  await server?.stop();
  await cluster?.stop();
});

test('client credentials on Redis Cluster: a token that verifies, and a wrong secret refused', async (t) => {
  t.is(server.tollgate.storage.kind, 'redis');
  const { status, body } = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(status, 200);
  const { payload } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(`${server.url}/jwks`)), { issuer: server.url, audience: 'urn:tollgate:demo', typ: 'at+jwt' });
  t.deepEqual(payload.max_priority, { default: 5 });
  const refused = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', 'wrong-secret') });
  t.deepEqual([refused.status, refused.body.error], [401, 'invalid_client']);
  const ready = await fetch(`${server.url}/readyz`);
  t.is(ready.status, 200);
});

// The whole storage contract (consume races, grant revocation, indexes, TTLs) on the cluster.
storageContract(test, () => server.tollgate.storage);

test.after('the keys written are spread over more than one master', async (t) => {
  let nodesWithKeys = 0;
  for (const node of cluster.nodes) {
    const [host, port] = node.split(':') as [string, string];
    const client = new Redis({ host, port: Number(port) });
    if ((await client.dbsize()) > 0) nodesWithKeys += 1;
    client.disconnect();
  }
  t.true(nodesWithKeys >= 2, `${nodesWithKeys} masters hold keys`);
});
