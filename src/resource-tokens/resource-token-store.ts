import { collectionNames, valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { createWriteThrottle } from '../storage/write-throttle.ts';
import type { ResourceTokenRecord, TokenUse } from './resource-token-record.ts';

export interface ResourceTokenStore {
  get(id: string): Promise<ResourceTokenRecord | undefined>;
  /** Writes the record (TTL: until its expiry) and indexes it under its resource. */
  save(record: ResourceTokenRecord): Promise<void>;
  /** The resource's tokens still stored (revoked ones until their expiry), oldest first. */
  list(resource: string): Promise<ResourceTokenRecord[]>;
  /** Notes a use; true when it was the token's first. Written at most once a minute per token and process. */
  touch(id: string, ip: string | undefined, expiresAt: string): Promise<boolean>;
  lastUsed(id: string): Promise<TokenUse | undefined>;
}

interface IndexEntry {
  id: string;
  expiresAt: string;
}

/** SPEC §15: last use is written at most about once a minute, so a busy CI does not write on every request. */
export const useWriteIntervalMs = 60_000;
const secondsUntil = (iso: string) => Math.max(1, Math.ceil((Date.parse(iso) - Date.now()) / 1000));

/**
 * Resource tokens in storage. Each record is a value whose TTL is the token's expiry, so an
 * expired token is gone from every store without a sweep; the per-resource index is pruned
 * when a listing finds an entry whose record has gone.
 */
export function createResourceTokenStore(storage: Storage): ResourceTokenStore {
  const useWrites = createWriteThrottle(useWriteIntervalMs);

  async function get(id: string): Promise<ResourceTokenRecord | undefined> {
    const text = await storage.getValue(valueNames.resourceToken(id));
    const record = text ? (JSON.parse(text) as ResourceTokenRecord) : undefined;
    return record && Date.parse(record.expiresAt) > Date.now() ? record : undefined;
  }

  return {
    get,
    async save(record) {
      await storage.swapValue(valueNames.resourceToken(record.id), JSON.stringify(record), secondsUntil(record.expiresAt));
      await storage.collection<IndexEntry>(collectionNames.resourceTokens(record.resource)).put(record.id, { id: record.id, expiresAt: record.expiresAt });
    },
    async list(resource) {
      const index = storage.collection<IndexEntry>(collectionNames.resourceTokens(resource));
      const ids = (await index.list()).map((entry) => entry.id);
      const records = await Promise.all(ids.map((id) => get(id)));
      const gone = ids.filter((_id, position) => !records[position]);
      await Promise.all(gone.map((id) => index.delete(id)));
      return records.filter((record): record is ResourceTokenRecord => record !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async touch(id, ip, expiresAt) {
      const now = Date.now();
      if (!useWrites.due(id, now)) return false;
      const use: TokenUse = { at: new Date(now).toISOString(), ip };
      const previous = await storage.swapValue(valueNames.resourceTokenUse(id), JSON.stringify(use), secondsUntil(expiresAt));
      return previous === undefined;
    },
    async lastUsed(id) {
      const text = await storage.getValue(valueNames.resourceTokenUse(id));
      return text ? (JSON.parse(text) as TokenUse) : undefined;
    },
  };
}

