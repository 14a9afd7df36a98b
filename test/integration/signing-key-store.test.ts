import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { Redis } from 'ioredis';

import { generateSigningKey } from '../../src/keys/signing-keys.ts';
import { dumpRedis } from '../helpers/dump-redis.ts';
import { freePort } from '../helpers/free-port.ts';
import { killAll, spawnOnRedis, type SpawnedTollgate } from '../helpers/spawn-tollgate.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { demoSecret, demoToken } from '../helpers/start-server.ts';

// SPEC §16 keys in the store: moving from a JWKS file keeps tokens verifying, a Redis dump holds
// no usable private key, and a wrong key-encryption key stops start-up having changed nothing.
const kek = randomBytes(32).toString('base64');
let redis: TestRedis;
let dir: string;
const started: SpawnedTollgate[] = [];

test.before(async () => {
  redis = await startRedis();
  dir = await mkdtemp(join(tmpdir(), 'tollgate-keys-'));
});

test.after.always(async () => {
  await killAll(started);
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function spawn(env: Record<string, string>): Promise<{ url: string; process: SpawnedTollgate }> {
  const port = await freePort();
  const spawned = spawnOnRedis(port, redis.url, 'import:', {
    TOLLGATE_DEMO: 'true',
    TOLLGATE_DEMO_SECRET: demoSecret,
    TOLLGATE_ISSUER: 'http://127.0.0.1:1',
    ...env,
  });
  started.push(spawned);
  return { url: `http://127.0.0.1:${port}`, process: spawned };
}

test.serial('moving from a JWKS file to the store keeps tokens verifying, and the Redis dump holds no private key', async (t) => {
  t.timeout(90_000);
  const [signing, older] = await Promise.all([generateSigningKey('ES256'), generateSigningKey('ES256')]);
  const file = join(dir, 'jwks.json');
  await writeFile(file, JSON.stringify({ keys: [signing, older] }), { mode: 0o600 });

  const fileMode = await spawn({ TOLLGATE_JWKS_FILE: file });
  await fileMode.process.waitForLog((line) => line.msg === 'tollgate listening');
  const issuedBefore = await demoToken(fileMode.url);
  t.is(decodeProtectedHeader(issuedBefore).kid, signing.kid);
  fileMode.process.child.kill('SIGTERM');
  await fileMode.process.exited;

  // The documented move: the same settings plus the store and its key-encryption key.
  const storeMode = await spawn({ TOLLGATE_JWKS_FILE: file, TOLLGATE_KEY_SOURCE: 'store', TOLLGATE_KEY_ENCRYPTION_KEY: kek });
  await storeMode.process.waitForLog((line) => line.msg === 'tollgate listening');
  const jwks = (await (await fetch(`${storeMode.url}/jwks`)).json()) as JSONWebKeySet;
  t.deepEqual(jwks.keys.map((key) => key.kid).sort(), [signing.kid, older.kid].sort());
  await t.notThrowsAsync(compactVerify(issuedBefore, createLocalJWKSet(jwks)), 'a token issued in file mode verifies against the store-mode JWKS');
  t.is(decodeProtectedHeader(await demoToken(storeMode.url)).kid, signing.kid, "the file's signing key keeps signing");

  const { text } = await dumpRedis(redis.url);
  t.true(text.includes(signing.kid as string), 'the dump holds the key set');
  for (const jwk of [signing, older]) {
    const d = jwk.d as string;
    t.false(text.includes(d), 'private key (base64url) in the dump');
    t.false(text.includes(Buffer.from(d, 'base64url').toString('base64')), 'private key (base64) in the dump');
    t.false(text.includes(Buffer.from(d, 'base64url').toString('hex')), 'private key (hex) in the dump');
  }
  t.false(/"d":/.test(text), 'no JWK "d" member anywhere in the dump');
  storeMode.process.child.kill('SIGTERM');
  await storeMode.process.exited;
});

test.serial('a wrong key-encryption key stops start-up with a clear error and changes nothing', async (t) => {
  t.timeout(60_000);
  const client = new Redis(redis.url);
  try {
    const before = await client.hgetall('import:{signing-keys}:set');
    t.truthy(before.d, 'the first test stored a key set');
    const wrong = await spawn({ TOLLGATE_KEY_SOURCE: 'store', TOLLGATE_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    t.is(await wrong.process.exited, 2);
    t.regex(wrong.process.stderr(), /key-encryption key \(TOLLGATE_KEY_ENCRYPTION_KEY\) does not open signing key .* Nothing was changed/);
    t.deepEqual(await client.hgetall('import:{signing-keys}:set'), before);
  } finally {
    client.disconnect();
  }
});

test.serial('store mode without a key-encryption key stops start-up saying how to make one', async (t) => {
  const missing = await spawn({ TOLLGATE_KEY_SOURCE: 'store' });
  t.is(await missing.process.exited, 2);
  t.regex(missing.process.stderr(), /TOLLGATE_KEY_ENCRYPTION_KEY.*openssl rand -base64 32/);
});
