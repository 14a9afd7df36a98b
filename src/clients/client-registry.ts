import { cacheCollection, type Held } from '../storage/cached-collection.ts';
import type { RecordRegistry } from '../storage/record-registry.ts';
import { collectionNames } from '../storage/storage-names.ts';
import type { Collection, Storage } from '../storage/storage.ts';
import type { ClientRecord } from './client-record.ts';

export interface ClientRegistry extends RecordRegistry<ClientRecord> {
  /** What this process holds for the id while fresh (the record or its absence), at once; else undefined, and `get` reads it (cached-collection.ts). */
  peek(clientId: string): Held<ClientRecord> | undefined;
  /**
   * Notes a successful authentication; written at most once a minute per client and process.
   * `from` is the request: its `ip` (a getter that parses X-Forwarded-For behind a proxy) is
   * read only by what records it (resource tokens, trusted publishers), not on every token.
   */
  touch(clientId: string, from?: { readonly ip: string }): void;
  lastUsed(clientId: string): Promise<string | undefined>;
}

const lastUsedWriteInterval = 60_000;

/**
 * Clients in storage, read through a short per-process cache (cached-collection.ts): a token
 * request must not pay a storage round trip for a record that changes a few times a year.
 */
export function createClientRegistry(storage: Storage, cacheMs: number, onError: (error: unknown) => void): ClientRegistry {
  const records = cacheCollection<ClientRecord>(storage.collection(collectionNames.clients), cacheMs);
  const lastUsedAt: Collection<string> = storage.collection(collectionNames.clientLastUsed);
  const lastWritten = new Map<string, number>();

  return {
    peek: (clientId) => records.peek(clientId),
    get: (clientId) => records.get(clientId),
    list: () => records.list(),
    create: (record) => records.insert(record.clientId, record),
    save: (record) => records.put(record.clientId, record),
    async delete(clientId) {
      lastWritten.delete(clientId);
      await lastUsedAt.delete(clientId);
      return records.delete(clientId);
    },
    touch(clientId) {
      const now = Date.now();
      if ((lastWritten.get(clientId) ?? 0) + lastUsedWriteInterval > now) return;
      lastWritten.set(clientId, now);
      lastUsedAt.put(clientId, new Date(now).toISOString()).catch(onError);
    },
    lastUsed: (clientId) => lastUsedAt.get(clientId),
  };
}
