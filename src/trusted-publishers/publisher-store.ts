import type { TokenUse } from '../resource-tokens/resource-token-record.ts';
import { useWriteIntervalMs } from '../resource-tokens/resource-token-store.ts';
import { collectionNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { createWriteThrottle } from '../storage/write-throttle.ts';
import type { TrustedPublisherRecord } from './publisher-record.ts';

export interface TrustedPublisherStore {
  get(id: string): Promise<TrustedPublisherRecord | undefined>;
  /** Writes the record and indexes it under its resource. */
  add(record: TrustedPublisherRecord): Promise<void>;
  /** Deletes the record (it stops matching at once), its last use and its index entry. */
  remove(record: TrustedPublisherRecord): Promise<void>;
  /** The resource's trusted publishers, oldest first. */
  list(resource: string): Promise<TrustedPublisherRecord[]>;
  /** Notes a use; true when it was the first. Written at most once a minute per publisher and process. */
  touch(id: string, ip: string | undefined): Promise<boolean>;
  lastUsed(id: string): Promise<TokenUse | undefined>;
  /** Deletes every publisher indexed under the resource (it is being deleted); their ids. */
  removeAll(resource: string): Promise<string[]>;
}

/**
 * Trusted publishers in storage, as resource tokens are kept (resource-token-store.ts), but as
 * collection entries that live until removed: a binding holds no secret and has no expiry. The
 * per-resource index is written after the record and pruned when a listing finds an entry whose
 * record has gone (a removal cut short between its writes).
 */
export function createTrustedPublisherStore(storage: Storage): TrustedPublisherStore {
  const records = storage.collection<TrustedPublisherRecord>(collectionNames.trustedPublishers);
  const uses = storage.collection<TokenUse>(collectionNames.trustedPublisherUses);
  const indexOf = (resource: string) => storage.collection<string>(collectionNames.resourcePublishers(resource));
  const useWrites = createWriteThrottle(useWriteIntervalMs);

  return {
    get: (id) => records.get(id),
    async add(record) {
      await records.put(record.id, record);
      await indexOf(record.resource).put(record.id, record.id);
    },
    async remove(record) {
      await records.delete(record.id);
      useWrites.forget(record.id);
      await uses.delete(record.id);
      await indexOf(record.resource).delete(record.id);
    },
    async list(resource) {
      const index = indexOf(resource);
      const ids = await index.list();
      const found = await Promise.all(ids.map((id) => records.get(id)));
      await Promise.all(ids.filter((_id, position) => !found[position]).map((id) => index.delete(id)));
      return found.filter((record): record is TrustedPublisherRecord => record !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    // A use written while the publisher is being removed outlives it: one small entry, never read again.
    async touch(id, ip) {
      const now = Date.now();
      if (!useWrites.due(id, now)) return false;
      const use: TokenUse = { at: new Date(now).toISOString(), ip };
      if (await uses.insert(id, use)) return true;
      await uses.put(id, use);
      return false;
    },
    lastUsed: (id) => uses.get(id),
    async removeAll(resource) {
      const index = indexOf(resource);
      const ids = await index.list();
      await Promise.all(
        ids.map(async (id) => {
          await records.delete(id);
          useWrites.forget(id);
          await uses.delete(id);
          await index.delete(id);
        }),
      );
      return ids;
    },
  };
}
