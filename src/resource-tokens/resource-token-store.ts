import { AppError } from '../errors.ts';
import { collectionNames, valueNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import { createWriteThrottle } from '../storage/write-throttle.ts';
import type { ResourceTokenRecord, TokenUse } from './resource-token-record.ts';

export interface ResourceTokenStore {
  get(id: string): Promise<ResourceTokenRecord | undefined>;
  /** Writes the record (TTL: until its expiry) and indexes it under its resource. */
  save(record: ResourceTokenRecord): Promise<void>;
  /**
   * Changes a stored token atomically: `change` gets the record as stored and returns the next
   * one, or undefined to leave it as it is (it may throw to refuse). A write that another change
   * beat is retried on what that one left, so of racing changes none is lost: a revocation is
   * never undone by a rotation that read the token before it. Resolves to the record as left.
   */
  update(id: string, change: (current: ResourceTokenRecord | undefined) => ResourceTokenRecord | undefined): Promise<ResourceTokenRecord | undefined>;
  /** The resource's tokens still stored (revoked ones until their expiry), oldest first. */
  list(resource: string): Promise<ResourceTokenRecord[]>;
  /** Deletes every token of the resource, with its last use and its index entry; resolves to their ids. */
  removeAll(resource: string): Promise<string[]>;
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
// Each lost race means another change was written meanwhile; this many in a row is not a race.
const maxUpdateAttempts = 20;
const secondsUntil = (iso: string) => Math.max(1, Math.ceil((Date.parse(iso) - Date.now()) / 1000));

/**
 * Resource tokens in storage. Each record is a value whose TTL is the token's expiry, so an
 * expired token is gone from every store without a sweep; the per-resource index is pruned
 * when a listing finds an entry whose record has gone.
 */
export function createResourceTokenStore(storage: Storage): ResourceTokenStore {
  const useWrites = createWriteThrottle(useWriteIntervalMs);

  const parse = (text: string | undefined) => {
    const record = text ? (JSON.parse(text) as ResourceTokenRecord) : undefined;
    return record && Date.parse(record.expiresAt) > Date.now() ? record : undefined;
  };
  const get = async (id: string) => parse(await storage.getValue(valueNames.resourceToken(id)));

  return {
    get,
    async save(record) {
      await storage.swapValue(valueNames.resourceToken(record.id), JSON.stringify(record), secondsUntil(record.expiresAt));
      await storage.collection<IndexEntry>(collectionNames.resourceTokens(record.resource)).put(record.id, { id: record.id, expiresAt: record.expiresAt });
    },
    async update(id, change) {
      const name = valueNames.resourceToken(id);
      for (let attempt = 0; attempt < maxUpdateAttempts; attempt += 1) {
        const text = await storage.getValue(name);
        const current = parse(text);
        const next = change(current);
        if (!next) return current;
        // A change never makes a token: `save` does, with its index entry.
        if (text === undefined) throw new AppError('not_found', `no resource token "${id}"`);
        if (await storage.replaceValue(name, text, JSON.stringify(next), secondsUntil(next.expiresAt))) return next;
      }
      throw new AppError('conflict', `resource token ${id} kept changing meanwhile; try again`);
    },
    async list(resource) {
      const index = storage.collection<IndexEntry>(collectionNames.resourceTokens(resource));
      const ids = (await index.list()).map((entry) => entry.id);
      const records = await Promise.all(ids.map((id) => get(id)));
      const gone = ids.filter((_id, position) => !records[position]);
      await Promise.all(gone.map((id) => index.delete(id)));
      return records.filter((record): record is ResourceTokenRecord => record !== undefined).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    },
    async removeAll(resource) {
      const index = storage.collection<IndexEntry>(collectionNames.resourceTokens(resource));
      const ids = (await index.list()).map((entry) => entry.id);
      await Promise.all(
        ids.map((id) => Promise.all([storage.deleteValue(valueNames.resourceToken(id)), storage.deleteValue(valueNames.resourceTokenUse(id))])),
      );
      await Promise.all(ids.map((id) => index.delete(id)));
      for (const id of ids) useWrites.forget(id);
      return ids;
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
