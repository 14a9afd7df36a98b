import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';

// The in-memory store is the newcomer's default: the same requests must give the same
// answers as on Redis. One server per store, the same demo principals on both.
let redis: TestRedis;
const servers: Partial<Record<'memory' | 'redis', RunningServer>> = {};

test.before(async () => {
  redis = await startRedis();
  [servers.memory, servers.redis] = await Promise.all([startTestServer(), startTestServer({ redisUrl: redis.url })]);
});

test.after.always(async () => {
  await Promise.all([servers.memory?.stop(), servers.redis?.stop()]);
  await redis?.stop();
});

const server = (store: 'memory' | 'redis') => servers[store] as RunningServer;

/** What a client and a resource server see of one exchange, without what differs per token. */
async function observe(store: 'memory' | 'redis', form: Record<string, string>, headers: Record<string, string> = {}) {
  const { url } = server(store);
  const { status, body } = await postForm(`${url}/token`, form, headers);
  if (status !== 200) return { status, body };
  const { payload, protectedHeader } = await jwtVerify(body.access_token as string, createRemoteJWKSet(new URL(`${url}/jwks`)), { issuer: url, typ: 'at+jwt' });
  const { iss: _iss, iat: _iat, exp, jti: _jti, ...claims } = payload;
  return {
    status,
    header: { alg: protectedHeader.alg, typ: protectedHeader.typ },
    body: { token_type: body.token_type, expires_in: body.expires_in, scope: body.scope },
    claims,
    lifetime: (exp as number) - (payload.iat as number),
  };
}

const exchanges: Array<[title: string, form: Record<string, string>, headers?: Record<string, string>]> = [
  ['client_secret_basic, default resource', { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) }],
  [
    'client_secret_post with resource and scope',
    { grant_type: 'client_credentials', client_id: 'demo', client_secret: demoSecret, resource: 'urn:tollgate:demo', scope: 'demo:write' },
  ],
  ['audience instead of resource', { grant_type: 'client_credentials', audience: 'urn:tollgate:demo' }, { authorization: basicAuth('demo', demoSecret) }],
  ['wrong secret', { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', 'wrong-secret') }],
  ['unknown resource', { grant_type: 'client_credentials', resource: 'urn:nope' }, { authorization: basicAuth('demo', demoSecret) }],
];

for (const [title, form, headers] of exchanges) {
  test(`memory and Redis answer alike: ${title}`, async (t) => {
    const [memory, onRedis] = await Promise.all([observe('memory', form, headers), observe('redis', form, headers)]);
    t.deepEqual(memory, onRedis);
    t.is(server('memory').tollgate.storage.kind, 'memory');
    t.is(server('redis').tollgate.storage.kind, 'redis');
  });
}

test('the happy path on both stores carries max_priority and the requested audience', async (t) => {
  for (const store of ['memory', 'redis'] as const) {
    const seen = await observe(store, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
    t.is(seen.status, 200, store);
    t.like(seen, { claims: { aud: 'urn:tollgate:demo', client_id: 'demo', max_priority: { default: 5 } }, lifetime: 600 }, store);
  }
});
