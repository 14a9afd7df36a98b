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
  const [device, access] = [randomUUID(), randomUUID()];
  await storage.modelAdapter('DeviceCode').upsert(device, { jti: device, grantId, userCode: `I${device}` }, 86_400);
  await storage.modelAdapter('AccessToken').upsert(access, { jti: access, grantId }, 600);
  const ttl = await inspect.ttl(keys.grant(grantId));
  t.true(ttl > 86_390 && ttl <= 86_400, `grant index ttl ${ttl}`);
  t.deepEqual((await inspect.smembers(keys.grant(grantId))).sort(), [keys.model('AccessToken', access), keys.model('DeviceCode', device)].sort());
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
  const successor = storage.refreshTokenId({ grantId, accountId: 'alice' });
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
  const stored = (
    await Promise.all(
      names.map(async (name) => [name, ...((await inspect.type(name)) === 'hash' ? Object.values(await inspect.hgetall(name)) : [await inspect.get(name)])]),
    )
  ).flat();
  t.is(stored.filter((value) => value === null).length, 0, 'every name exists');
  for (const secret of [deviceId, userCode, sessionId, uid])
    t.false(
      stored.some((value) => value?.includes(secret)),
      secret,
    );
});

// Issue 24: nothing is kept of a used refresh token, so a login's keys do not grow with its refreshes.
test('a login refreshed five times is one chain key holding two tokens, and nothing else', async (t) => {
  const grantId = randomUUID();
  await storage.modelAdapter('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', accountId: 'alice', clientId: 'cli' }, 600);
  const newId = () => storage.refreshTokenId({ grantId, accountId: 'alice' });
  const tokens = [newId()];
  await storage.modelAdapter('RefreshToken').upsert(tokens[0] as string, { jti: tokens[0], kind: 'RefreshToken', grantId }, 600);
  for (let rotation = 0; rotation < 5; rotation += 1) {
    const id = newId();
    t.is(
      await storage.rotateRefreshToken({
        previousId: tokens.at(-1) as string,
        id,
        payload: { jti: id, kind: 'RefreshToken', grantId },
        expiresIn: 600,
        reuseIntervalSeconds: 30,
      }),
      'rotated',
    );
    tokens.push(id);
  }
  const digest = createTokenDigest(undefined);
  const names = tokens.map((token) => digest.name(token));
  const ours = (await inspect.keys(`${prefix}*`)).filter((key) => key.includes(grantId) || names.some((name) => key.includes(name)));
  t.deepEqual(ours, [keys.refreshChain(grantId)]);
  const chain = await inspect.hgetall(keys.refreshChain(grantId));
  t.deepEqual(Object.keys(chain).sort(), ['cur', 'p', 'prev', 'q', 't']);
  t.is(chain.cur, digest.name(tokens[5] as string));
  t.is(chain.prev, digest.name(tokens[4] as string));
  t.true((await inspect.ttl(keys.refreshChain(grantId))) > 590);
  for (const token of tokens.slice(0, 4)) t.like(await storage.findRefreshToken(token), { used: true }, 'an older token is still known as one of the chain');
});

// Refresh tokens stored before the chain (issue 24): a grant pointer, and a hash in the grant's slot with the rotation's fields.
async function storeOlderRefreshToken(grantId: string, tokenId: string, fields: Record<string, string> = {}) {
  const digest = createTokenDigest(undefined);
  const name = digest.name(tokenId);
  await inspect.set(keys.olderRefreshToken.grant(name), grantId, 'EX', 600);
  await inspect.hset(keys.olderRefreshToken.record(grantId, name), {
    p: digest.seal(tokenId, JSON.stringify({ jti: tokenId, kind: 'RefreshToken', grantId, accountId: 'alice', clientId: 'cli' })),
    ...fields,
  });
  await inspect.expire(keys.olderRefreshToken.record(grantId, name), 600);
  return keys.olderRefreshToken.record(grantId, name);
}

test('a refresh token stored before the chain is found and rotates into one; presented again it is reuse', async (t) => {
  const [grantId, tokenId] = [randomUUID(), randomUUID()];
  const [successor, next] = [storage.refreshTokenId({ grantId, accountId: 'alice' }), storage.refreshTokenId({ grantId, accountId: 'alice' })];
  await storage.modelAdapter('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', accountId: 'alice', clientId: 'cli' }, 600);
  await storeOlderRefreshToken(grantId, tokenId);
  t.like(await storage.findRefreshToken(tokenId), { used: false, payload: { jti: tokenId, grantId, accountId: 'alice' } });
  const rotation = (previousId: string, id: string) => ({
    previousId,
    id,
    payload: { jti: id, kind: 'RefreshToken', grantId },
    expiresIn: 600,
    reuseIntervalSeconds: 30,
  });
  t.is(await storage.rotateRefreshToken(rotation(tokenId, successor)), 'rotated');
  t.like(await storage.findRefreshToken(successor), { used: false, payload: { jti: successor } });
  t.is(await storage.rotateRefreshToken(rotation(successor, next)), 'rotated', 'the successor is a token of the chain');
  t.is(await storage.rotateRefreshToken(rotation(tokenId, randomUUID())), 'reused');
});

test('a retry of a token stored before the chain, whose successor was never sent, replaces that successor', async (t) => {
  const [grantId, tokenId, lostId] = [randomUUID(), randomUUID(), randomUUID()];
  const lost = await storeOlderRefreshToken(grantId, lostId);
  await storeOlderRefreshToken(grantId, tokenId, { t: String(Date.now() - 60_000), c: String(Math.floor(Date.now() / 1000) - 60), s: lost });
  const retry = storage.refreshTokenId({ grantId, accountId: 'alice' });
  const rotation = (previousId: string, id: string) => ({
    previousId,
    id,
    payload: { jti: id, kind: 'RefreshToken', grantId },
    expiresIn: 600,
    reuseIntervalSeconds: 1,
  });
  t.is(await storage.rotateRefreshToken(rotation(tokenId, retry)), 'rotated', 'its successor was never sent');
  t.is(await storage.rotateRefreshToken(rotation(lostId, randomUUID())), 'reused', 'the replaced successor');
  t.is(await storage.rotateRefreshToken(rotation(retry, randomUUID())), 'rotated');
});
