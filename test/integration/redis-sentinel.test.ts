import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { startRedisSentinel } from '../helpers/start-redis-sentinel.ts';
import { serverOnStoragePerFile } from '../helpers/server-per-file.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { storageContract } from '../storage/storage-contract.ts';

// SPEC §4: the same code behind Redis Sentinel. tollgate is given only the sentinel and the
// master group name, and asks the sentinel where the master is.
const shared = serverOnStoragePerFile('the Redis sentinel group', startRedisSentinel, (sentinel) =>
  startTestServer({
    env: {
      TOLLGATE_REDIS_MODE: 'sentinel',
      TOLLGATE_REDIS_NODES: sentinel.sentinels.join(','),
      TOLLGATE_REDIS_SENTINEL_NAME: sentinel.masterName,
      TOLLGATE_DEMO: 'true',
    },
  }),
);

test('client credentials through Redis Sentinel: a token that verifies, and readyz 200', async (t) => {
  t.is(shared.server.tollgate.storage.kind, 'redis');
  const { status, body } = await postForm(`${shared.server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(status, 200);
  const { payload } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(`${shared.server.url}/jwks`)), {
    issuer: shared.server.url,
    audience: 'urn:tollgate:demo',
    typ: 'at+jwt',
  });
  t.is(payload.client_id, 'demo');
  t.is((await fetch(`${shared.server.url}/readyz`)).status, 200);
});

storageContract(test, () => shared.server.tollgate.storage);
