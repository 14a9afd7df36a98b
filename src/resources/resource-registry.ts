import type { Collection, Storage } from '../storage/storage.ts';
import type { ResourceServerRecord } from './resource-server-record.ts';
import { adminResource } from './resource-server-record.ts';

export interface ResourceRegistry {
  get(identifier: string): Promise<ResourceServerRecord | undefined>;
  list(): Promise<ResourceServerRecord[]>;
  create(record: ResourceServerRecord): Promise<boolean>;
  save(record: ResourceServerRecord): Promise<void>;
  delete(identifier: string): Promise<boolean>;
}

const builtIn: ResourceServerRecord = {
  identifier: adminResource.identifier,
  name: 'tollgate admin API',
  scopes: [adminResource.scope],
  accessTokenTtl: 300,
  signingAlg: 'ES256',
  createdAt: new Date(0).toISOString(),
  updatedAt: new Date(0).toISOString(),
};

/** Resource servers in storage, cached per process like clients (they change as rarely). */
export function createResourceRegistry(storage: Storage, cacheMs: number): ResourceRegistry {
  const records: Collection<ResourceServerRecord> = storage.collection('resource-servers');
  const cache = new Map<string, { record: ResourceServerRecord | undefined; until: number }>();

  return {
    async get(identifier) {
      if (identifier === builtIn.identifier) return builtIn;
      const cached = cache.get(identifier);
      if (cached && cached.until > Date.now()) return cached.record;
      const record = await records.get(identifier);
      if (cacheMs > 0) cache.set(identifier, { record, until: Date.now() + cacheMs });
      return record;
    },
    async list() {
      return [builtIn, ...(await records.list())];
    },
    async create(record) {
      if (record.identifier === builtIn.identifier) return false;
      cache.delete(record.identifier);
      return records.insert(record.identifier, record);
    },
    async save(record) {
      cache.delete(record.identifier);
      await records.put(record.identifier, record);
    },
    async delete(identifier) {
      cache.delete(identifier);
      return records.delete(identifier);
    },
  };
}
