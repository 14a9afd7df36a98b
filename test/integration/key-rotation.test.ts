import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';

import type { RunningServer } from '../../src/server.ts';
import { freePort } from '../helpers/free-port.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';

let redis: TestRedis;

test.before(async () => {
  redis = await startRedis();
});

test.after.always(async () => {
  await redis?.stop();
});

/**
 * README "Rotating signing keys", run as written: publish the next key, let it sign while the
 * old one stays published, then retire the old one. Each phase is a restart of the server with
 * the JWKS file as the CLI left it, on the same address (one issuer throughout).
 */
test('a rotation in three steps keeps every token verifying for as long as the procedure promises', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-keys-')), 'jwks.json');
  const port = await freePort();
  const keys = async (...args: string[]) => {
    const run = await runCli(['keys', ...args, '--json'], { TOLLGATE_JWKS_FILE: file });
    t.is(run.code, 0, `keys ${args.join(' ')}: ${run.stderr}`);
    return run.json<Record<string, unknown>>();
  };

  let server: RunningServer | undefined;
  const start = async () => {
    await server?.stop();
    server = await startTestServer({ redisUrl: redis.url, env: { PORT: String(port), TOLLGATE_JWKS_FILE: file } });
    return server;
  };
  const issue = async () => {
    const { body } = await postForm(`${server?.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
    return body.access_token as string;
  };
  // A resource server that fetches the live JWKS, as one deployed next to tollgate would.
  const verify = (token: string) =>
    jwtVerify(token, createRemoteJWKSet(new URL(`http://localhost:${port}/jwks`)), {
      issuer: `http://localhost:${port}`,
      audience: 'urn:tollgate:demo',
      typ: 'at+jwt',
    });
  const publishedKids = async () =>
    ((await (await fetch(`http://localhost:${port}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);

  try {
    const old = (await runCli(['keys', 'generate', '--alg', 'ES256', '--out', file, '--json'])).json<{ kid: string }>().kid;

    // Step 1: publish the next key; the old one still signs.
    const next = (await keys('add', '--alg', 'ES256')).added as string;
    t.deepEqual(
      ((await keys('list')) as unknown as Array<{ kid: string; role: string }>).map((key) => [key.kid, key.role]),
      [
        [old, 'signing'],
        [next, 'published'],
      ],
    );
    await start();
    t.true((await publishedKids()).includes(next), 'the next key is published before it signs');
    const phase1 = await issue();
    t.is(decodeProtectedHeader(phase1).kid, old);
    await t.notThrowsAsync(verify(phase1));

    // Step 2: the next key signs; the old one stays published.
    t.is((await keys('promote', '--kid', next)).replaced, old);
    await start();
    const phase2 = await issue();
    t.is(decodeProtectedHeader(phase2).kid, next);
    await t.notThrowsAsync(verify(phase1), 'a token from before the rotation still verifies');
    await t.notThrowsAsync(verify(phase2));

    // The key that signs cannot be retired.
    const refused = await runCli(['keys', 'retire', '--kid', next], { TOLLGATE_JWKS_FILE: file });
    t.is(refused.code, 5);

    // Step 3: once every token the old key signed has expired, it goes.
    await keys('retire', '--kid', old);
    await start();
    t.deepEqual(await publishedKids(), [next]);
    await t.notThrowsAsync(verify(phase2), 'tokens of the current key keep verifying');
    await t.notThrowsAsync(verify(await issue()));
    // Why step 3 waits: a token the retired key signed no longer verifies.
    await t.throwsAsync(verify(phase1), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
  } finally {
    await server?.stop();
  }
});

test('keys commands refuse what would break the JWKS', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'tollgate-keys-')), 'jwks.json');
  t.is((await runCli(['keys', 'generate', '--out', file])).code, 0);
  t.is((await runCli(['keys', 'generate', '--out', file])).code, 5, 'an existing file is not overwritten');
  t.is((await runCli(['keys', 'promote', '--kid', 'nope', '--file', file])).code, 4);
  t.is((await runCli(['keys', 'add', '--alg', 'HS256', '--file', file])).code, 2);
  t.is((await runCli(['keys', 'list'])).code, 2, 'no file named');
  const missing = await runCli(['keys', 'list', '--file', join(tmpdir(), 'does-not-exist.json')]);
  t.is(missing.code, 2);
  t.regex(missing.stderr, /cannot read/);
});
