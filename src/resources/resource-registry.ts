import { cacheCollection } from '../storage/cached-collection.ts';
import type { RecordRegistry } from '../storage/record-registry.ts';
import { collectionNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import type { ResourceServerRecord } from './resource-server-record.ts';
import { adminResource } from './resource-server-record.ts';

export type ResourceRegistry = RecordRegistry<ResourceServerRecord>;

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
  const records = cacheCollection<ResourceServerRecord>(storage.collection(collectionNames.resourceServers), cacheMs);

  return {
    // Not an async function: it hands back the cache's own promise instead of one that waits on it.
    get: (identifier) => (identifier === builtIn.identifier ? Promise.resolve(builtIn) : records.get(identifier)),
    async list() {
      return [builtIn, ...(await records.list())];
    },
    async create(record) {
      if (record.identifier === builtIn.identifier) return false;
      return records.insert(record.identifier, record);
    },
    save: (record) => records.put(record.identifier, record),
    delete: (identifier) => records.delete(identifier),
  };
}
