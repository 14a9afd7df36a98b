import test from 'ava';
import { Redis } from 'ioredis';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { startRedisCluster } from '../helpers/start-redis-cluster.ts';
import { serverOnStoragePerFile } from '../helpers/server-per-file.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { storageContract } from '../storage/storage-contract.ts';

// SPEC §4: the same code on Redis Cluster. Three real masters; tollgate finds them from
// TOLLGATE_REDIS_NODES. Every key a multi-key operation touches shares one hash tag (see
// src/storage/redis-keys.ts), so no command may fail with CROSSSLOT.
const shared = serverOnStoragePerFile('the Redis cluster', startRedisCluster, (cluster) =>
  startTestServer({ env: { TOLLGATE_REDIS_MODE: 'cluster', TOLLGATE_REDIS_NODES: cluster.nodes.join(','), TOLLGATE_DEMO: 'true' } }),
);

test('client credentials on Redis Cluster: a token that verifies, and a wrong secret refused', async (t) => {
  t.is(shared.server.tollgate.storage.kind, 'redis');
  const { status, body } = await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(status, 200);
  const { payload } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(`${shared.server.url}/jwks`)), {
    issuer: shared.server.url,
    audience: 'urn:tollgate:demo',
    typ: 'at+jwt',
  });
  t.deepEqual(payload.max_priority, { default: 5 });
  const refused = await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', 'wrong-secret') });
  t.deepEqual([refused.status, refused.body.error], [401, 'invalid_client']);
  const ready = await fetch(`${shared.server.url}/readyz`);
  t.is(ready.status, 200);
});

// The whole storage contract (consume races, grant revocation, indexes, TTLs) on the cluster.
storageContract(test, () => shared.server.tollgate.storage);

test.after('the keys written are spread over more than one master', async (t) => {
  let nodesWithKeys = 0;
  for (const node of shared.storage.nodes) {
    const [host, port] = node.split(':') as [string, string];
    const client = new Redis({ host, port: Number(port) });
    if ((await client.dbsize()) > 0) nodesWithKeys += 1;
    client.disconnect();
  }
  t.true(nodesWithKeys >= 2, `${nodesWithKeys} masters hold keys`);
});
