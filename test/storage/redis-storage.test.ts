import { randomUUID } from 'node:crypto';
import test from 'ava';
import { Redis } from 'ioredis';

import { resolveConfig } from '../../src/config/load-config.ts';
import { connectRedis, createRedisClient } from '../../src/storage/redis-connection.ts';
import { createRedisKeys } from '../../src/storage/storage-names.ts';
import { createTokenDigest } from '../../src/storage/token-digest.ts';
import { createRedisStorage } from '../../src/storage/redis-storage.ts';
import type { Storage } from '../../src/storage/storage.ts';
import { startRedis, type TestRedis } from '../helpers/start-redis.ts';
import { storageContract } from './storage-contract.ts';
import { testPepper } from '../helpers/test-pepper.ts';

const prefix = 'contract:';
const keys = createRedisKeys(prefix, createTokenDigest(undefined));
let redis: TestRedis;
let storage: Storage;
let inspect: Redis;

test.before(async () => {
  redis = await startRedis();
  // The production connection code, on this test's own redis-server.
  const client = createRedisClient(resolveConfig({ secretPepper: testPepper, redis: { url: redis.url, keyPrefix: prefix } }).redis);
  await connectRedis(client, () => {});
  storage = createRedisStorage(client, prefix);
  inspect = new Redis(redis.url);
});

test.after.always(async () => {
  await storage?.close();
  inspect?.disconnect();
  await redis?.stop();
});

storageContract(test, () => storage);

test('a model key carries the TTL of expiresIn, and a model without expiresIn none', async (t) => {
  const tokens = storage.modelAdapter('AccessToken');
  const [expiring, lasting] = [randomUUID(), randomUUID()];
  await tokens.upsert(expiring, { jti: expiring }, 3600);
  await tokens.upsert(lasting, { jti: lasting });
  const ttl = await inspect.ttl(keys.model('AccessToken', expiring));
  t.true(ttl > 3590 && ttl <= 3600, `ttl ${ttl}`);
  t.is(await inspect.ttl(keys.model('AccessToken', lasting)), -1);
  // A later upsert with a TTL replaces the old one rather than keeping it.
  await tokens.upsert(lasting, { jti: lasting }, 120);
  t.true((await inspect.ttl(keys.model('AccessToken', lasting))) <= 120);
});

test('the uid and user-code indexes expire with their model', async (t) => {
  const [sessionId, deviceId, uid] = [randomUUID(), randomUUID(), randomUUID()];
  await storage.modelAdapter('Session').upsert(sessionId, { jti: sessionId, uid }, 900);
  await storage.modelAdapter('DeviceCode').upsert(deviceId, { jti: deviceId, userCode: `TTL${deviceId}`, grantId: randomUUID() }, 600);
  const uidTtl = await inspect.ttl(keys.uid(uid));
  const codeTtl = await inspect.ttl(keys.userCode(`TTL${deviceId}`));
  t.true(uidTtl > 890 && uidTtl <= 900, `uid ttl ${uidTtl}`);
  t.true(codeTtl > 590 && codeTtl <= 600, `user code ttl ${codeTtl}`);
});

test('a grant index lives as long as its longest-lived member, whatever the order of writes', async (t) => {
  const grantId = randomUUID();
  const [refresh, access] = [randomUUID(), randomUUID()];
  await storage.modelAdapter('RefreshToken').upsert(refresh, { jti: refresh, grantId }, 86_400);
  await storage.modelAdapter('AccessToken').upsert(access, { jti: access, grantId }, 600);
  const ttl = await inspect.ttl(keys.grant(grantId));
  t.true(ttl > 86_390 && ttl <= 86_400, `grant index ttl ${ttl}`);
  t.deepEqual((await inspect.smembers(keys.grant(grantId))).sort(), [keys.model('AccessToken', access), keys.refreshToken(grantId, refresh)].sort());
});

test('the stored payload is the hash field p, sealed, and the consume stamp the field c', async (t) => {
  const tokenId = randomUUID();
  await storage.modelAdapter('DeviceCode').upsert(tokenId, { jti: tokenId, grantId: randomUUID(), userCode: `P${tokenId}` }, 600);
  await storage.modelAdapter('DeviceCode').consume(tokenId);
  const fields = await inspect.hgetall(keys.model('DeviceCode', tokenId));
  t.deepEqual(Object.keys(fields).sort(), ['c', 'p']);
  const opened = createTokenDigest(undefined).open(tokenId, fields.p as string);
  t.false('consumed' in (JSON.parse(opened as string) as object));
  t.false((fields.p as string).includes(tokenId));
});

// STYLE §7: every write has a TTL or a reason. Collections (records that live until deleted)
// are the reason; everything else the contract tests wrote must expire by itself.
test.after('every key but the collections carries a TTL', async (t) => {
  const written = await inspect.keys(`${prefix}*`);
  const expiring = written.filter((key) => !key.startsWith(`${prefix}things-`));
  t.true(expiring.length > 20, `${expiring.length} keys`);
  for (const key of expiring) t.true((await inspect.ttl(key)) > 0, `${key} has no TTL`);
});

// Issue 11.2: keys written before credentials were hashed at rest keep working until they expire.
test('a refresh token stored before hashing (plain key, plain payload) is still found, and rotates once', async (t) => {
  const [tokenId, grantId] = [randomUUID(), randomUUID()];
  const legacyKey = keys.legacy.model('RefreshToken', tokenId);
  await inspect.hset(legacyKey, 'p', JSON.stringify({ jti: tokenId, kind: 'RefreshToken', grantId, accountId: 'alice' }));
  await inspect.expire(legacyKey, 600);
  t.like(await storage.modelAdapter('RefreshToken').find(tokenId), { jti: tokenId, grantId, accountId: 'alice' });
  const rotation = (id: string) => ({ previousId: tokenId, id, payload: { jti: id, kind: 'RefreshToken', grantId }, expiresIn: 600, reuseIntervalSeconds: 30 });
  const successor = randomUUID();
  t.is(await storage.rotateRefreshToken(rotation(successor)), 'rotated');
  t.like(await storage.modelAdapter('RefreshToken').find(successor), { jti: successor, grantId });
  t.is(await storage.rotateRefreshToken(rotation(randomUUID())), 'reused', 'a legacy token has no retry leeway');
});

test('a device code and its user code stored before hashing are still found by the user code, and consumed once', async (t) => {
  const [deviceId, grantId] = [randomUUID(), randomUUID()];
  const userCode = `LEGACY${deviceId.slice(0, 6)}`;
  await inspect.hset(keys.legacy.model('DeviceCode', deviceId), 'p', JSON.stringify({ jti: deviceId, kind: 'DeviceCode', userCode, grantId }));
  await inspect.expire(keys.legacy.model('DeviceCode', deviceId), 600);
  await inspect.set(keys.legacy.userCode(userCode), deviceId, 'EX', 600);
  t.is((await storage.modelAdapter('DeviceCode').findByUserCode(userCode))?.jti, deviceId);
  await storage.modelAdapter('DeviceCode').consume(deviceId);
  const again = await t.throwsAsync(storage.modelAdapter('DeviceCode').consume(deviceId));
  t.like(again, { error: 'invalid_grant', error_detail: 'device code already used' });
});

test('a grant stored before hashing (plain key, plain payload) stands until it is revoked', async (t) => {
  const grantId = randomUUID();
  await inspect.hset(keys.legacy.model('Grant', grantId), 'p', JSON.stringify({ jti: grantId, kind: 'Grant', accountId: 'alice', clientId: 'cli' }));
  await inspect.expire(keys.legacy.model('Grant', grantId), 600);
  t.true(await storage.grantStands(grantId));
  await storage.modelAdapter('Grant').revokeByGrantId(grantId);
  t.false(await storage.grantStands(grantId));
});

test('no key, index member or value holds a model id or user code in plain text', async (t) => {
  const [deviceId, sessionId, uid] = [randomUUID(), randomUUID(), randomUUID()];
  const userCode = `PLAIN${deviceId.slice(0, 6)}`;
  await storage.modelAdapter('DeviceCode').upsert(deviceId, { jti: deviceId, kind: 'DeviceCode', userCode, grantId: randomUUID() }, 600);
  await storage.modelAdapter('Session').upsert(sessionId, { jti: sessionId, kind: 'Session', uid }, 600);
  const names = [keys.model('DeviceCode', deviceId), keys.userCode(userCode), keys.model('Session', sessionId), keys.uid(uid)];
  const stored = (await Promise.all(names.map(async (name) => [name, ...((await inspect.type(name)) === 'hash' ? Object.values(await inspect.hgetall(name)) : [await inspect.get(name)])]))).flat();
  t.is(stored.filter((value) => value === null).length, 0, 'every name exists');
  for (const secret of [deviceId, userCode, sessionId, uid]) t.false(stored.some((value) => value?.includes(secret)), secret);
});
