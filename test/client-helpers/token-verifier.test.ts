import test from 'ava';
import { importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';

import { countingFetch } from '../helpers/counting-proxy.ts';
import { freePort } from '../helpers/free-port.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret, demoToken, postForm, startTestServer } from '../helpers/start-server.ts';
import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import { createTokenVerifier, TokenVerificationError, type TokenVerifierOptions } from '../../packages/client/src/index.ts';
import type { RunningServer } from '../../src/server.ts';

let redis: TestRedis;
let server: RunningServer;
let signingKey: JWK;

const audience = 'urn:tollgate:demo';

test.before(async () => {
  redis = await startRedis();
  server = await startTestServer({ redisUrl: redis.url });
  const kid = server.tollgate.signingKeys.signingKid.ES256;
  signingKey = server.tollgate.signingKeys.jwks.keys.find((key) => key.kid === kid) as JWK;
});

test.after.always(async () => {
  await server?.stop();
  await redis?.stop();
});

const realToken = (form: Record<string, string> = {}) => demoToken(server.url, form);

/** A token signed with the server's own key (or `key`), with claims a real one has unless overridden. */
async function craftToken(claims: JWTPayload = {}, header: { typ?: string; kid?: string; alg?: string } = {}, key: JWK = signingKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: server.url,
    sub: 'demo',
    aud: audience,
    client_id: 'demo',
    scope: 'demo:read',
    iat: now,
    exp: now + 60,
    jti: `jti-${now}-${Math.random()}`,
    ...claims,
  };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const alg = header.alg ?? 'ES256';
  return new SignJWT(payload).setProtectedHeader({ alg, typ: header.typ ?? 'at+jwt', kid: header.kid ?? (key.kid as string) }).sign(await importJWK(key, alg));
}

function verifier(options: Partial<TokenVerifierOptions> = {}) {
  return createTokenVerifier({ issuer: server.url, audience, ...options });
}

test('accepts a real token and returns its principal with max_priority', async (t) => {
  const principal = await verifier().verify(await realToken());
  t.is(principal.subject, 'demo');
  t.is(principal.clientId, 'demo');
  t.deepEqual(principal.scopes, ['demo:read', 'demo:write']);
  t.deepEqual(principal.maxPriority, { default: 5 });
  t.is(principal.claims.aud, audience);
});

test('required scopes the token has are accepted; a missing one is insufficient_scope', async (t) => {
  const token = await realToken({ scope: 'demo:read' });
  const checking = verifier({ requiredScopes: ['demo:read'] });
  t.deepEqual((await checking.verify(token)).scopes, ['demo:read']);
  const error = await t.throwsAsync(checking.verify(token, { requiredScopes: ['demo:write'] }), {
    instanceOf: TokenVerificationError,
    code: 'insufficient_scope',
  });
  t.is(error?.status, 403);
  t.is(error?.detail, 'demo:write');
});

test('a token for another audience is invalid_audience', async (t) => {
  const error = await t.throwsAsync(verifier({ audience: 'urn:tollgate:other' }).verify(await realToken()), {
    instanceOf: TokenVerificationError,
    code: 'invalid_audience',
  });
  t.is(error?.oauthError, 'invalid_token');
  t.is(error?.status, 401);
});

test('a token naming another issuer is invalid_issuer', async (t) => {
  await t.throwsAsync(verifier().verify(await craftToken({ iss: 'https://elsewhere.example' })), { code: 'invalid_issuer' });
});

test('an expired token is token_expired; within the clock tolerance it is accepted', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  await t.throwsAsync(verifier().verify(await craftToken({ iat: now - 120, exp: now - 60 })), { code: 'token_expired' });
  const justExpired = await craftToken({ iat: now - 120, exp: now - 2 });
  // A tolerance far above the 2 s, so a slow machine between `now` and verify cannot flip it.
  t.is((await verifier({ clockToleranceSeconds: 30 }).verify(justExpired)).subject, 'demo');
  await t.throwsAsync(verifier({ clockToleranceSeconds: 0 }).verify(justExpired), { code: 'token_expired' });
});

test('a token not valid yet is token_not_yet_valid', async (t) => {
  await t.throwsAsync(verifier().verify(await craftToken({ nbf: Math.floor(Date.now() / 1000) + 120 })), { code: 'token_not_yet_valid' });
});

test('a JWT that is not an access token (typ JWT) is invalid_type', async (t) => {
  await t.throwsAsync(verifier().verify(await craftToken({}, { typ: 'JWT' })), { code: 'invalid_type' });
  t.is((await verifier().verify(await craftToken({}, { typ: 'application/at+jwt' }))).subject, 'demo');
});

test('a token signed by a foreign key is invalid_signature, with its kid known or not', async (t) => {
  const foreign = await generateSigningKey('ES256');
  const check = verifier();
  await t.throwsAsync(check.verify(await craftToken({}, { kid: signingKey.kid as string }, foreign)), { code: 'invalid_signature' });
  await t.throwsAsync(check.verify(await craftToken({}, {}, foreign)), { code: 'invalid_signature' });
});

test('an algorithm outside the allow-list is algorithm_not_allowed', async (t) => {
  await t.throwsAsync(verifier({ algorithms: ['RS256'] }).verify(await realToken()), { code: 'algorithm_not_allowed' });
  const symmetric = await new SignJWT({ iss: server.url, aud: audience })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
    .sign(new TextEncoder().encode('a shared secret of thirty-two bytes'));
  await t.throwsAsync(verifier().verify(symmetric), { code: 'algorithm_not_allowed' });
});

test('missing RFC 9068 claims are missing_claim; a bad max_priority is invalid_claim', async (t) => {
  const error = await t.throwsAsync(verifier().verify(await craftToken({ client_id: undefined })), {
    instanceOf: TokenVerificationError,
    code: 'missing_claim',
  });
  t.is(error?.detail, 'client_id');
  await t.throwsAsync(verifier().verify(await craftToken({ jti: undefined })), { code: 'missing_claim' });
  await t.throwsAsync(verifier().verify(await craftToken({ max_priority: { default: -1 } })), { code: 'invalid_claim' });
});

test('the act chain of an exchanged token is the principal’s actors, most recent first', async (t) => {
  t.deepEqual((await verifier().verify(await realToken())).actors, []);
  const nested = await verifier().verify(await craftToken({ client_id: 'backend', act: { sub: 'backend', act: { sub: 'gateway' } } }));
  t.deepEqual(nested.actors, ['backend', 'gateway']);
  t.is(nested.subject, 'demo');
  await t.throwsAsync(verifier().verify(await craftToken({ act: 'gateway' })), { code: 'invalid_claim' });
  await t.throwsAsync(verifier().verify(await craftToken({ act: { sub: 'b', act: { name: 'a' } } })), { code: 'invalid_claim' });
});

test('garbage is malformed_token', async (t) => {
  await t.throwsAsync(verifier().verify('not.a.jwt'), { code: 'malformed_token' });
  await t.throwsAsync(verifier().verify(''), { code: 'malformed_token' });
});

test('an unknown kid fetches the JWKS again, at most once per cooldown', async (t) => {
  const counter = countingFetch();
  const check = verifier({ fetch: counter.fetch });
  await check.verify(await realToken());
  t.is(counter.count('/jwks'), 1);
  const strangers = await Promise.all(Array.from({ length: 10 }, async () => craftToken({}, {}, await generateSigningKey('ES256'))));
  for (const token of strangers) await t.throwsAsync(check.verify(token), { code: 'invalid_signature' });
  t.is(counter.count('/jwks'), 1, 'inside the cooldown, unknown kids do not refetch');

  const eager = countingFetch();
  const noCooldown = verifier({ fetch: eager.fetch, jwksCooldownMs: 0 });
  await noCooldown.verify(await realToken());
  await t.throwsAsync(noCooldown.verify(strangers[0] as string), { code: 'invalid_signature' });
  t.is(eager.count('/jwks'), 2);
});

test('an unreachable issuer is keys_unavailable (503), and the verifier recovers once it answers', async (t) => {
  const port = await freePort();
  const check = createTokenVerifier({ issuer: `http://localhost:${port}`, audience });
  const error = await t.throwsAsync(check.verify(await realToken()), { instanceOf: TokenVerificationError, code: 'keys_unavailable' });
  t.is(error?.status, 503);
  t.is(error?.oauthError, undefined);

  const late = await startTestServer({ env: { PORT: String(port) } });
  t.teardown(() => late.stop());
  const { body } = await postForm(`${late.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is((await check.verify(body.access_token as string)).subject, 'demo');
});

test('after a key rotation, a token signed by the new key verifies through a JWKS refetch', async (t) => {
  const redisForRotation = await startRedis();
  t.teardown(() => redisForRotation.stop());
  // An RS256 key rides along: oidc-provider rejects clients when no RS256 key exists at all.
  const [oldKey, newKey, rsaKey] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('ES256'), generateSigningKey('RS256')]);
  const port = await freePort();
  const env = (keys: JWK[]) => ({ PORT: String(port), TOLLGATE_JWKS: JSON.stringify({ keys: [...keys, rsaKey] }) });
  const servers: RunningServer[] = [];
  t.teardown(() => Promise.all(servers.map((running) => running.stop())));
  const start = async (keys: JWK[]) => {
    const running = await startTestServer({ redisUrl: redisForRotation.url, env: env(keys) });
    servers.push(running);
    return running;
  };
  const issue = async (running: RunningServer) => {
    const { status, body } = await postForm(`${running.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
    t.is(status, 200);
    return body.access_token as string;
  };

  const first = await start([oldKey]);
  const counter = countingFetch();
  const check = createTokenVerifier({ issuer: first.url, audience, fetch: counter.fetch, jwksCooldownMs: 0 });
  const before = await issue(first);
  t.is((await check.verify(before)).subject, 'demo');
  await first.stop();
  servers.length = 0;

  // The new key signs; the old one stays published until its tokens have expired.
  const second = await start([newKey, oldKey]);
  const after = await issue(second);
  t.is((await check.verify(after)).subject, 'demo');
  t.is((await check.verify(before)).subject, 'demo');
  t.is(counter.count('/jwks'), 2);
});

test('when the issuer goes away, the keys fetched before keep verifying', async (t) => {
  const own = await startTestServer({ env: { TOLLGATE_DEMO_SECRET: demoSecret } });
  const token = (await postForm(`${own.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) })).body
    .access_token as string;
  const check = createTokenVerifier({ issuer: own.url, audience, jwksCacheMaxAgeMs: 1 });
  await check.verify(token);
  await own.stop();
  await new Promise((resolve) => setTimeout(resolve, 10));
  t.is((await check.verify(token)).subject, 'demo');
});

test('queues named toString and constructor are read as own entries; a __proto__ queue is invalid_claim', async (t) => {
  const principal = await verifier().verify(await craftToken({ max_priority: { toString: 2, constructor: 1 } }));
  t.deepEqual({ ...principal.maxPriority }, { toString: 2, constructor: 1 });
  t.true(Object.hasOwn(principal.maxPriority, 'constructor'));
  t.false(Object.hasOwn(principal.maxPriority, 'valueOf'));
  await t.throwsAsync(verifier().verify(await craftToken({ max_priority: JSON.parse('{"__proto__": 1}') })), { code: 'invalid_claim' });
});
