import type { Collection, Storage } from '../storage/storage.ts';
import type { ClientRecord } from './client-record.ts';

export interface ClientRegistry {
  get(clientId: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  create(record: ClientRecord): Promise<boolean>;
  save(record: ClientRecord): Promise<void>;
  delete(clientId: string): Promise<boolean>;
  /** Notes a successful authentication; written at most once a minute per client and process. */
  touch(clientId: string): void;
  lastUsed(clientId: string): Promise<string | undefined>;
}

const lastUsedWriteInterval = 60_000;

/**
 * Clients in storage, with a short per-process cache: a token request must not pay a storage
 * round trip for a record that changes a few times a year. A change made through this process
 * shows at once; one made through another shows within `cacheMs`.
 */
export function createClientRegistry(storage: Storage, cacheMs: number, onError: (error: unknown) => void): ClientRegistry {
  const records: Collection<ClientRecord> = storage.collection('clients');
  const lastUsedAt: Collection<string> = storage.collection('client-last-used');
  const cache = new Map<string, { record: ClientRecord | undefined; until: number }>();
  const lastWritten = new Map<string, number>();

  const remember = (clientId: string, record: ClientRecord | undefined) => {
    if (cacheMs > 0) cache.set(clientId, { record, until: Date.now() + cacheMs });
    if (cache.size > 10_000) cache.delete(cache.keys().next().value as string);
  };

  return {
    async get(clientId) {
      const cached = cache.get(clientId);
      if (cached && cached.until > Date.now()) return cached.record;
      const record = await records.get(clientId);
      remember(clientId, record);
      return record;
    },
    list: () => records.list(),
    async create(record) {
      const created = await records.insert(record.clientId, record);
      if (created) cache.delete(record.clientId);
      return created;
    },
    async save(record) {
      await records.put(record.clientId, record);
      cache.delete(record.clientId);
    },
    async delete(clientId) {
      cache.delete(clientId);
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
