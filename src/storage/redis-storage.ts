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

// Writes a model's payload with its TTL (0 = none): one command where a MULTI of HSET and
// EXPIRE was four for the client to encode and Redis to parse.
const writeScript = `
redis.call('HSET', KEYS[1], 'p', ARGV[1])
if ARGV[2] == '0' then redis.call('PERSIST', KEYS[1]) else redis.call('EXPIRE', KEYS[1], ARGV[2]) end
`;

// Adds a member to an index set (a grant's tokens, a principal's grants), which lives as long
// as its longest-lived member (NX: the first member sets the TTL, GT: a longer one extends it).
const indexScript = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2], 'NX')
redis.call('EXPIRE', KEYS[1], ARGV[2], 'GT')
`;

interface ScriptCommands {
  tollgateConsume(key: string, stamp: number): Promise<number>;
  tollgateWrite(key: string, payload: string, ttl: number): Promise<unknown>;
  tollgateIndex(grantKey: string, member: string, ttl: number): Promise<unknown>;
}

/** Production storage on Redis (standalone, Sentinel or Cluster). */
export function createRedisStorage(client: RedisClient, keyPrefix: string): Storage {
  const keys = createRedisKeys(keyPrefix);
  // Defined before any traffic: ioredis's auto-pipelines only know the scripts defined when
  // they were opened (see redis-connection.ts).
  client.defineCommand('tollgateConsume', { numberOfKeys: 1, lua: consumeScript });
  client.defineCommand('tollgateWrite', { numberOfKeys: 1, lua: writeScript });
  client.defineCommand('tollgateIndex', { numberOfKeys: 1, lua: indexScript });
  const scripts = client as unknown as ScriptCommands;
  const consume = (key: string, stamp: number) => scripts.tollgateConsume(key, stamp);

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
          // A token's grant index has another hash tag (another slot in a cluster), so it cannot
          // be written by the same script; it is sent with the token rather than after it. Should
          // a revocation read the index between the two, the grant is marked revoked, and a token
          // of a revoked grant is never found (unlessRevoked).
          const indexes: Promise<unknown>[] = [scripts.tollgateWrite(key, JSON.stringify(rest), expiresIn || 0)];
          if (grantableModels.has(model) && payload.grantId) indexes.push(addToSet(keys.grant(payload.grantId), key, expiresIn));
          if (payload.uid) indexes.push(setIndex(keys.uid(payload.uid), id, expiresIn));
          if (payload.userCode) indexes.push(setIndex(keys.userCode(payload.userCode), id, expiresIn));
          await Promise.all(indexes);
          // A grant is indexed under its principals only once it exists, so revoking a
          // principal's grants never drops the entry of a grant that appears afterwards.
          if (model === 'Grant') {
            await Promise.all(principalsOf(payload).map((principal) => addToSet(keys.principalGrants(principal.kind, principal.id), id, expiresIn)));
          }
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
    return scripts.tollgateIndex(setKey, member, expiresIn || 1);
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
