import type { Collection } from './storage.ts';

// Ids come from requests, and misses are cached too: the bound keeps unknown ids from growing it.
const maxEntries = 10_000;

/**
 * A collection with a short per-process read cache, for records read on every token request
 * and changed a few times a year. A change made through this process shows at once; one made
 * through another shows within `cacheMs` (0 turns the cache off).
 */
export function cacheCollection<T>(records: Collection<T>, cacheMs: number): Collection<T> {
  const cache = new Map<string, { value: T | undefined; until: number }>();

  // After the write, so a read racing it cannot cache the old value; also when the write fails.
  async function thenForget<R>(id: string, write: Promise<R>): Promise<R> {
    try {
      return await write;
    } finally {
      cache.delete(id);
    }
  }

  return {
    async get(id) {
      const cached = cache.get(id);
      if (cached && cached.until > Date.now()) return cached.value;
      const value = await records.get(id);
      if (cacheMs > 0) {
        cache.delete(id);
        cache.set(id, { value, until: Date.now() + cacheMs });
        if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      }
      return value;
    },
    list: () => records.list(),
    put: (id, value) => thenForget(id, records.put(id, value)),
    insert: (id, value) => thenForget(id, records.insert(id, value)),
    delete: (id) => thenForget(id, records.delete(id)),
  };
}
