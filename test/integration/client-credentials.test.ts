import test from 'ava';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';
import { createTestClient } from '../helpers/test-principals.ts';
import type { RunningServer } from '../../src/server.ts';

let redis: TestRedis;
let server: RunningServer;

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url });
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

async function verifyThroughDiscovery(token: string) {
  const discovery = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as { issuer: string; jwks_uri: string };
  const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri));
  return jwtVerify(token, jwks, { issuer: discovery.issuer, audience: 'urn:tollgate:demo', typ: 'at+jwt' });
}

test('client_secret_basic gets an RFC 9068 JWT with max_priority that verifies through discovery', async (t) => {
  const { status, body } = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(status, 200);
  t.is(body.token_type, 'Bearer');
  const { payload, protectedHeader } = await verifyThroughDiscovery(body.access_token as string);
  t.is(protectedHeader.typ, 'at+jwt');
  t.is(protectedHeader.alg, 'ES256');
  t.is(payload.sub, 'demo');
  t.is(payload.client_id, 'demo');
  t.is(payload.scope, 'demo:read demo:write');
  t.deepEqual(payload.max_priority, { default: 5 });
  for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope']) t.true(claim in payload, claim);
});

test('client_secret_post with audience instead of resource gets the same token', async (t) => {
  // A client without a default resource: with the demo client's default, a broken `audience` still passed.
  const client = await createTestClient(server, { grantTypes: ['client_credentials'], authMethod: 'client_secret_post', defaultResource: undefined });
  const { status, body } = await postForm(`${server.url}/token`, {
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: client.secret as string,
    audience: 'urn:tollgate:demo',
    scope: 'demo:read',
  });
  t.is(status, 200);
  const { payload } = await verifyThroughDiscovery(body.access_token as string);
  t.is(payload.aud, 'urn:tollgate:demo');
  t.is(payload.scope, 'demo:read');
  t.truthy(decodeProtectedHeader(body.access_token as string).kid);
});

// Every refusal (RFC 6749 §5.2) is covered in token-errors.test.ts.
