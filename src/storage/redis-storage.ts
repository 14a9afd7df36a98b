import { RateLimiterRedis } from 'rate-limiter-flexible';

import type { Collection, GrantPrincipal, ModelAdapter, ModelPayload, RateLimiterOptions, Storage } from './storage.ts';
import { consumableModels, grantableModels, principalsOf, revokedGrantValue } from './storage.ts';
import { createRedisKeys } from './redis-keys.ts';
import type { RedisClient } from './redis-connection.ts';
import { guardStorage } from './storage-unavailable.ts';
import { alreadyConsumed } from './consume-conflict.ts';

// Model instances are hashes: field `p` holds the JSON payload, field `c` the consume stamp.
// Keeping `c` out of the JSON lets the consume script be a plain HSETNX: exactly one of any
// number of concurrent callers sets it. Returns 1 = consumed now, 0 = already consumed,
// -1 = no such key (expired or revoked).
const consumeScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
return redis.call('HSETNX', KEYS[1], 'c', ARGV[1])
`;

/** Production storage on Redis (standalone, Sentinel or Cluster). */
export function createRedisStorage(client: RedisClient, keyPrefix: string): Storage {
  const keys = createRedisKeys(keyPrefix);
  client.defineCommand('tollgateConsume', { numberOfKeys: 1, lua: consumeScript });
  const consume = (key: string, stamp: number) =>
    (client as unknown as { tollgateConsume(key: string, stamp: number): Promise<number> }).tollgateConsume(key, stamp);

  async function readModel(key: string): Promise<ModelPayload | undefined> {
    const [payload, consumed] = await client.hmget(key, 'p', 'c');
    if (!payload) return undefined;
    const parsed = JSON.parse(payload) as ModelPayload;
    if (consumed) parsed.consumed = Number(consumed);
    return parsed;
  }

  async function revokeByGrantId(grantId: string) {
    const grantKey = keys.grant(grantId);
    const [members, grantTtl] = await Promise.all([client.smembers(grantKey), client.ttl(keys.model('Grant', grantId))]);
    // Members carry their own hash tags, so in a cluster each DEL goes to its own slot.
    await Promise.all([...members.map((key) => client.del(key)), client.del(grantKey)]);
    // No grant record (ttl -2), nothing to mark: without it no token of the grant is accepted.
    if (grantTtl > 0) await client.set(keys.value(revokedGrantValue(grantId)), '1', 'EX', grantTtl);
  }

  /** A grant-bound payload whose grant was revoked is treated as gone. */
  async function unlessRevoked(model: string, payload: ModelPayload | undefined): Promise<ModelPayload | undefined> {
    if (!payload?.grantId || !grantableModels.has(model)) return payload;
    return (await client.exists(keys.value(revokedGrantValue(payload.grantId)))) ? undefined : payload;
  }

  function modelAdapter(model: string): ModelAdapter {
    const keyOf = (id: string) => keys.model(model, id);
    return {
      upsert: (id, payload, expiresIn) =>
        guardStorage(async () => {
          const key = keyOf(id);
          const { consumed: _consumed, ...rest } = payload;
          const writes = client.multi();
          writes.hset(key, 'p', JSON.stringify(rest));
          if (expiresIn) writes.expire(key, expiresIn);
          else writes.persist(key);
          await writes.exec();

          const indexes: Promise<unknown>[] = [];
          if (grantableModels.has(model) && payload.grantId) indexes.push(addToSet(keys.grant(payload.grantId), key, expiresIn));
          if (model === 'Grant') {
            for (const principal of principalsOf(payload)) indexes.push(addToSet(keys.principalGrants(principal.kind, principal.id), id, expiresIn));
          }
          if (payload.uid) indexes.push(setIndex(keys.uid(payload.uid), id, expiresIn));
          if (payload.userCode) indexes.push(setIndex(keys.userCode(payload.userCode), id, expiresIn));
          await Promise.all(indexes);
        }),
      find: (id) => guardStorage(async () => unlessRevoked(model, await readModel(keyOf(id)))),
      findByUid: (uid) =>
        guardStorage(async () => {
          const id = await client.get(keys.uid(uid));
          return id ? unlessRevoked(model, await readModel(keyOf(id))) : undefined;
        }),
      findByUserCode: (userCode) =>
        guardStorage(async () => {
          const id = await client.get(keys.userCode(userCode));
          return id ? unlessRevoked(model, await readModel(keyOf(id))) : undefined;
        }),
      consume: (id) =>
        guardStorage(async () => {
          const key = keyOf(id);
          const outcome = await consume(key, Math.floor(Date.now() / 1000));
          if (outcome === 1) return;
          if (outcome === 0 && consumableModels.has(model)) {
            const payload = await readModel(key);
            if (payload?.grantId) await revokeByGrantId(payload.grantId);
          }
          throw alreadyConsumed(model);
        }),
      destroy: (id) =>
        guardStorage(async () => {
          await client.del(keyOf(id));
        }),
      revokeByGrantId: (grantId) => guardStorage(() => revokeByGrantId(grantId)),
    };
  }

  // An index set lives as long as its longest-lived member (NX: first, GT: longer).
  function addToSet(setKey: string, member: string, expiresIn: number | undefined) {
    const ttl = expiresIn || 1;
    return client.multi().sadd(setKey, member).expire(setKey, ttl, 'NX').expire(setKey, ttl, 'GT').exec();
  }

  async function revokeGrantsOf(principal: GrantPrincipal): Promise<number> {
    const setKey = keys.principalGrants(principal.kind, principal.id);
    const grantIds = await client.smembers(setKey);
    await Promise.all(grantIds.map((grantId) => Promise.all([revokeByGrantId(grantId), client.del(keys.model('Grant', grantId))])));
    // SREM, not DEL: a grant recorded while this ran stays indexed.
    if (grantIds.length > 0) await client.srem(setKey, ...grantIds);
    return grantIds.length;
  }

  function setIndex(key: string, id: string, expiresIn: number | undefined) {
    return expiresIn ? client.set(key, id, 'EX', expiresIn) : client.set(key, id);
  }

  function collection<T>(name: string): Collection<T> {
    const key = keys.collection(name);
    return {
      get: (id) =>
        guardStorage(async () => {
          const value = await client.hget(key, id);
          return value ? (JSON.parse(value) as T) : undefined;
        }),
      list: () =>
        guardStorage(async () => Object.values(await client.hgetall(key)).map((value) => JSON.parse(value) as T)),
      put: (id, value) =>
        guardStorage(async () => {
          await client.hset(key, id, JSON.stringify(value));
        }),
      insert: (id, value) => guardStorage(async () => (await client.hsetnx(key, id, JSON.stringify(value))) === 1),
      delete: (id) => guardStorage(async () => (await client.hdel(key, id)) === 1),
    };
  }

  return {
    kind: 'redis',
    modelAdapter,
    collection,
    revokeGrantsOf: (principal) => guardStorage(() => revokeGrantsOf(principal)),
    swapValue: (name, value, ttlSeconds) =>
      guardStorage(async () => (await client.set(keys.value(name), value, 'EX', ttlSeconds, 'GET')) ?? undefined),
    getValue: (name) => guardStorage(async () => (await client.get(keys.value(name))) ?? undefined),
    rateLimiter({ name, points, durationSeconds }: RateLimiterOptions) {
      return new RateLimiterRedis({
        storeClient: client,
        keyPrefix: keys.rateLimit(name),
        points,
        duration: durationSeconds,
        rejectIfRedisNotReady: true,
      });
    },
    ping: () =>
      guardStorage(async () => {
        await client.ping();
      }),
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
