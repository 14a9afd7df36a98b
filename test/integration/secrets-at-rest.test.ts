import test from 'ava';
import { Redis } from 'ioredis';

import { generateClientSecret, hashClientSecret } from '../../src/clients/client-secret.ts';
import { grantTypes } from '../../src/clients/client-record.ts';
import { demoResource } from '../../src/demo/demo-principals.ts';
import type { RunningServer } from '../../src/server.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { basicAuth, demoPassword, demoSecret, postForm, startTestServer } from '../helpers/start-server.ts';

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

/** Every key and every value in the Redis, as one text. */
async function dumpRedis(url: string): Promise<{ text: string; keys: number }> {
  const client = new Redis(url);
  const parts: string[] = [];
  let keys = 0;
  try {
    let cursor = '0';
    do {
      const [next, batch] = await client.scan(cursor, 'COUNT', 100);
      cursor = next;
      for (const key of batch) {
        keys += 1;
        parts.push(key);
        const type = await client.type(key);
        if (type === 'string') parts.push((await client.get(key)) ?? '');
        else if (type === 'hash') parts.push(...Object.entries(await client.hgetall(key)).flat());
        else if (type === 'set') parts.push(...(await client.smembers(key)));
        else if (type === 'zset') parts.push(...(await client.zrange(key, '0', '-1', 'WITHSCORES')));
        else if (type === 'list') parts.push(...(await client.lrange(key, 0, -1)));
        else throw new Error(`unexpected type ${type} of ${key}`);
      }
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return { text: parts.join('\n'), keys };
}

test('no client secret, password, pepper or token appears in plaintext anywhere in Redis', async (t) => {
  const secret = generateClientSecret();
  const now = new Date().toISOString();
  t.true(
    await server.tollgate.clients.create({
      clientId: 'inventory-service',
      name: 'Inventory',
      description: 'created through the registry with a known secret',
      grantTypes: [grantTypes.clientCredentials],
      authMethod: 'client_secret_post',
      secrets: [{ hash: hashClientSecret(secret, pepper) }],
      scopes: ['demo:read'],
      resources: [demoResource],
      defaultResource: demoResource,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    }),
  );
  const own = await postForm(`${server.url}/token`, { grant_type: 'client_credentials', client_id: 'inventory-service', client_secret: secret });
  const demo = await postForm(`${server.url}/token`, { grant_type: 'client_credentials' }, { authorization: basicAuth('demo', demoSecret) });
  t.is(own.status, 200, 'the secret works, so the stored hash is the one compared');
  t.is(demo.status, 200);
  // Last-use stamps are written after the response; let them land before the dump.
  await new Promise((resolve) => setTimeout(resolve, 200));

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
