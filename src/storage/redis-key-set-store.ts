import { Cluster } from 'ioredis';

import type { KeySetStore } from './key-set-store.ts';
import type { RedisClient } from './redis-connection.ts';

export interface RedisKeySetNames {
  /** Hash: `d` the document, `v` its version. */
  set: string;
  lock: string;
  fence: string;
  channel: string;
}

// KEYS: lock, fence. ARGV: ttl ms.
const lockScript = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence
`;
// KEYS: lock, set. ARGV: fence, document, channel.
const writeScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local version = redis.call('HINCRBY', KEYS[2], 'v', 1)
redis.call('HSET', KEYS[2], 'd', ARGV[2])
redis.call('PUBLISH', ARGV[3], version)
return version
`;
// KEYS: lock. ARGV: fence.
const unlockScript = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/**
 * The key set on Redis. The four names share one hash tag, so each script stays on one slot of
 * a cluster. The document and the fence counter have no TTL: the key set lives until replaced,
 * and a counter that expired could hand out a token again. Changes are announced on a pub/sub
 * channel, listened to on a connection of its own (a subscribed connection runs no commands).
 */
export function createRedisKeySetStore(client: RedisClient, rawClient: RedisClient, names: RedisKeySetNames): KeySetStore {
  return {
    async read() {
      const [document, version] = await client.hmget(names.set, 'd', 'v');
      return document && version ? { version: Number(version), document } : undefined;
    },
    version: async () => Number((await client.hget(names.set, 'v')) ?? 0),
    async lock(ttlMs) {
      const fence = Number(await client.eval(lockScript, 2, names.lock, names.fence, ttlMs));
      return fence > 0 ? fence : undefined;
    },
    async write(fence, document) {
      const version = Number(await client.eval(writeScript, 2, names.lock, names.set, fence, document, names.channel));
      return version > 0 ? version : undefined;
    },
    async unlock(fence) {
      await client.eval(unlockScript, 1, names.lock, fence);
    },
    async watch(onChange) {
      // Queued until connected: the periodic check covers the time it takes.
      const subscriber =
        rawClient instanceof Cluster
          ? rawClient.duplicate(undefined, { enableOfflineQueue: true, lazyConnect: false })
          : rawClient.duplicate({ enableOfflineQueue: true, lazyConnect: false });
      subscriber.on('error', () => {});
      subscriber.on('message', (channel: string) => {
        if (channel === names.channel) onChange();
      });
      await subscriber.subscribe(names.channel).catch(() => {});
      return async () => {
        subscriber.disconnect();
      };
    },
  };
}
