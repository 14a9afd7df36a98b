import type { Collection } from './storage.ts';

// Ids come from requests, and misses are cached too: the bound keeps unknown ids from growing it.
const maxEntries = 10_000;

/** What a cache holds for an id: the record, or that there is none. */
export interface Held<T> {
  readonly value: T | undefined;
}

export interface CachedCollection<T> extends Collection<T> {
  /**
   * What this process holds for `id` while it is fresh, without a promise to wait on; undefined
   * when it must be read (not held, expired, or the cache off): then `get`. A token request
   * reads its client four times (issue 24: each `await` of a cached read was a few hundred
   * instructions of it).
   */
  peek(id: string): Held<T> | undefined;
}

/**
 * A collection with a short per-process read cache, for records read on every token request
 * and changed a few times a year. A change made through this process shows at once; one made
 * through another shows within `cacheMs` (0 turns the cache off).
 */
export function cacheCollection<T>(records: Collection<T>, cacheMs: number): CachedCollection<T> {
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
    peek(id) {
      const cached = cache.get(id);
      return cached && cached.until > Date.now() ? cached : undefined;
    },
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
