import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import test, { type ExecutionContext } from 'ava';
import { decodeJwt } from 'jose';

import { countingFetch, startCountingProxy, type CountingProxy } from '../helpers/counting-proxy.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { demoSecret, startTestServer } from '../helpers/start-server.ts';
import { freePort } from '../helpers/free-port.ts';
import { createTestClient } from '../helpers/test-principals.ts';
import { grantTypes } from '../../src/clients/client-record.ts';
import { createClientCredentialsTokenSource, TokenSourceError } from '../../packages/client/src/index.ts';
import type { RunningServer } from '../../src/server.ts';

let redis: TestRedis;
let server: RunningServer;

const shortLivedSecret = 'short-lived-client-secret-0123456789';
const fastRetry = { attempts: 3, baseDelayMs: 20, maxDelayMs: 200 };

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url });

  // A resource server whose tokens live 10 s, and a client allowed to ask for it.
  const now = new Date().toISOString();
  await server.tollgate.resources.create({
    identifier: 'urn:test:short',
    name: 'Short-lived',
    scopes: ['short:read'],
    accessTokenTtl: 10,
    signingAlg: 'ES256',
    createdAt: now,
    updatedAt: now,
  });
  await createTestClient(
    server,
    {
      clientId: 'short-lived',
      name: 'Short-lived tokens',
      grantTypes: [grantTypes.clientCredentials],
      scopes: ['short:read'],
      resources: ['urn:test:short'],
      defaultResource: 'urn:test:short',
    },
    shortLivedSecret,
  );
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

test('finds the token endpoint by discovery and caches the token', async (t) => {
  const counter = countingFetch();
  const source = createClientCredentialsTokenSource({ issuer: server.url, clientId: 'demo', clientSecret: demoSecret, fetch: counter.fetch });
  const first = await source.get();
  const second = await source.get();
  t.is(first, second);
  t.is(counter.count('/token'), 1);
  t.is(counter.count('/.well-known/oauth-authorization-server'), 1);
  const claims = decodeJwt(first);
  t.is(claims.client_id, 'demo');
  t.is(claims.aud, 'urn:tollgate:demo');
});

test('100 concurrent get() calls make exactly one token request', async (t) => {
  const counter = countingFetch();
  const source = createClientCredentialsTokenSource({ tokenEndpoint: `${server.url}/token`, clientId: 'demo', clientSecret: demoSecret, fetch: counter.fetch });
  const tokens = await Promise.all(Array.from({ length: 100 }, () => source.get()));
  t.is(new Set(tokens).size, 1);
  t.is(counter.count('/token'), 1);
});

test('client_secret_post with resource and scope gets a token for that resource and scope', async (t) => {
  const source = createClientCredentialsTokenSource({
    tokenEndpoint: `${server.url}/token`,
    clientId: 'demo',
    clientSecret: demoSecret,
    authMethod: 'client_secret_post',
    resource: 'urn:tollgate:demo',
    scope: ['demo:read'],
  });
  const token = await source.getToken();
  t.is(token.scope, 'demo:read');
  t.is(decodeJwt(token.accessToken).scope, 'demo:read');
  t.true(token.expiresAt > Date.now());
});

test('fetches the next token ahead of expiry, while the current one is still handed out', async (t) => {
  const counter = countingFetch();
  const source = createClientCredentialsTokenSource({
    tokenEndpoint: `${server.url}/token`,
    clientId: 'short-lived',
    clientSecret: shortLivedSecret,
    refreshAfter: 0.3,
    fetch: counter.fetch,
  });
  const first = await source.getToken();
  t.is(decodeJwt(first.accessToken).aud, 'urn:test:short');
  t.true(first.expiresAt - Date.now() <= 10_000);

  // 30% of the lifetime (10 s, counted as 9 s) has passed: get() still answers with the first
  // token at once and fetches the next one in the background. (The wide margin before the token
  // becomes unusable, at 8.1 s, keeps this stable on a busy machine.)
  await sleep(3000);
  t.is(await source.get(), first.accessToken);
  while (counter.count('/token') < 2) await sleep(5);
  let next = first;
  while (next.accessToken === first.accessToken) {
    await sleep(10);
    next = await source.getToken();
  }
  t.true(Date.now() < first.expiresAt, 'the new token arrived before the old one expired');
  t.true(next.expiresAt > first.expiresAt);
  t.is(counter.count('/token'), 2);
});

test('invalidate() makes the next get() fetch a new token', async (t) => {
  const counter = countingFetch();
  const source = createClientCredentialsTokenSource({ tokenEndpoint: `${server.url}/token`, clientId: 'demo', clientSecret: demoSecret, fetch: counter.fetch });
  await source.get();
  source.invalidate();
  await source.get();
  t.is(counter.count('/token'), 2);
});

test('retries 503 answers with backoff, then succeeds', async (t) => {
  const proxy = await proxyFor(t);
  const source = createClientCredentialsTokenSource({
    tokenEndpoint: `${proxy.url}/token`,
    clientId: 'demo',
    clientSecret: demoSecret,
    retry: { attempts: 4, baseDelayMs: 20 },
  });
  proxy.failNext(2, 503);
  const token = await source.get();
  t.is(decodeJwt(token).client_id, 'demo');
  t.is(proxy.count('/token'), 3);
});

test('a 429 with Retry-After waits that long before the retry', async (t) => {
  const proxy = await proxyFor(t);
  const source = createClientCredentialsTokenSource({
    tokenEndpoint: `${proxy.url}/token`,
    clientId: 'demo',
    clientSecret: demoSecret,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 3000 },
  });
  proxy.failNext(1, 429, { 'retry-after': '1' });
  const started = Date.now();
  await source.get();
  t.true(Date.now() - started >= 1000);
});

test('gives up with token_endpoint_unavailable after the configured attempts', async (t) => {
  const proxy = await proxyFor(t);
  const source = createClientCredentialsTokenSource({ tokenEndpoint: `${proxy.url}/token`, clientId: 'demo', clientSecret: demoSecret, retry: fastRetry });
  proxy.failNext(10, 503);
  const error = await t.throwsAsync(source.get(), { instanceOf: TokenSourceError, code: 'token_endpoint_unavailable' });
  t.is(error?.status, 503);
  t.is(proxy.count('/token'), 3);
});

test('a wrong secret is a final oauth_error invalid_client, not retried', async (t) => {
  const counter = countingFetch();
  const source = createClientCredentialsTokenSource({
    tokenEndpoint: `${server.url}/token`,
    clientId: 'demo',
    clientSecret: 'wrong-secret-value-0123456789',
    fetch: counter.fetch,
    retry: fastRetry,
  });
  const error = await t.throwsAsync(source.get(), { instanceOf: TokenSourceError, code: 'oauth_error' });
  t.is(error?.error, 'invalid_client');
  t.is(error?.status, 401);
  t.is(counter.count('/token'), 1);
});

test('an unknown resource is a final oauth_error invalid_target', async (t) => {
  const source = createClientCredentialsTokenSource({ tokenEndpoint: `${server.url}/token`, clientId: 'demo', clientSecret: demoSecret, resource: 'urn:nope' });
  const error = await t.throwsAsync(source.get(), { instanceOf: TokenSourceError, code: 'oauth_error' });
  t.is(error?.error, 'invalid_target');
});

test('a network failure retries, then fails with token_endpoint_unavailable', async (t) => {
  const port = await freePort(); // nothing listens there
  const source = createClientCredentialsTokenSource({
    tokenEndpoint: `http://127.0.0.1:${port}/token`,
    clientId: 'demo',
    clientSecret: demoSecret,
    retry: fastRetry,
  });
  const error = await t.throwsAsync(source.get(), { instanceOf: TokenSourceError, code: 'token_endpoint_unavailable' });
  t.regex(error?.message ?? '', /ECONNREFUSED/);
  t.is(error?.status, undefined);
});

test('an issuer whose metadata names another issuer fails with discovery_failed', async (t) => {
  const proxy = await proxyFor(t);
  const source = createClientCredentialsTokenSource({ issuer: proxy.url, clientId: 'demo', clientSecret: demoSecret, retry: fastRetry });
  await t.throwsAsync(source.get(), { instanceOf: TokenSourceError, code: 'discovery_failed' });
});

test('no error carries the client secret, in any encoding', async (t) => {
  const secret = 'very+secret/value with spaces&=0123456789';
  const port = await freePort();
  const failures = await Promise.all(
    [
      createClientCredentialsTokenSource({ tokenEndpoint: `${server.url}/token`, clientId: 'demo', clientSecret: secret }).get(),
      createClientCredentialsTokenSource({
        tokenEndpoint: `${server.url}/token`,
        clientId: 'demo',
        clientSecret: secret,
        authMethod: 'client_secret_post',
      }).get(),
      createClientCredentialsTokenSource({ tokenEndpoint: `http://127.0.0.1:${port}/token`, clientId: 'demo', clientSecret: secret, retry: fastRetry }).get(),
      createClientCredentialsTokenSource({ issuer: `http://127.0.0.1:${port}`, clientId: 'demo', clientSecret: secret, retry: fastRetry }).get(),
    ].map((promise) =>
      promise.then(
        () => t.fail('expected a failure'),
        (error: unknown) => error,
      ),
    ),
  );
  const encodings = [secret, encodeURIComponent(secret), Buffer.from(`demo:${encodeURIComponent(secret)}`).toString('base64'), 'very+secret', 'very%2Bsecret'];
  for (const error of failures) {
    t.true(error instanceof TokenSourceError);
    const rendered = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), (error as Error).stack].join('\n');
    for (const form of encodings) t.false(rendered.includes(form), `${(error as TokenSourceError).code} contains ${form}`);
  }
});

/** A counting proxy of the server for one test, closed when the test ends. */
async function proxyFor(t: ExecutionContext): Promise<CountingProxy> {
  const proxy = await startCountingProxy(server.url);
  t.teardown(() => proxy.close());
  return proxy;
}
