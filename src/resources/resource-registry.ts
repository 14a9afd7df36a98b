import { cacheCollection, type Held } from '../storage/cached-collection.ts';
import type { RecordRegistry } from '../storage/record-registry.ts';
import { collectionNames } from '../storage/storage-names.ts';
import type { Storage } from '../storage/storage.ts';
import type { ResourceServerRecord } from './resource-server-record.ts';
import { adminResource, selfServiceResource } from './resource-server-record.ts';

export interface ResourceRegistry extends RecordRegistry<ResourceServerRecord> {
  /** What this process holds for the identifier while fresh (the record or its absence), at once; else undefined, and `get` reads it (cached-collection.ts). */
  peek(identifier: string): Held<ResourceServerRecord> | undefined;
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

const selfServiceApi: ResourceServerRecord = {
  ...builtIn,
  identifier: selfServiceResource.identifier,
  name: 'tollgate self-service API',
  scopes: [selfServiceResource.scope],
};
const builtIns = new Map([builtIn, selfServiceApi].map((record) => [record.identifier, record]));
const heldBuiltIns = new Map<string, Held<ResourceServerRecord>>([...builtIns].map(([identifier, value]) => [identifier, { value }]));

/** Resource servers in storage, cached per process like clients (they change as rarely). */
export function createResourceRegistry(storage: Storage, cacheMs: number): ResourceRegistry {
  const records = cacheCollection<ResourceServerRecord>(storage.collection(collectionNames.resourceServers), cacheMs);

  return {
    peek: (identifier) => heldBuiltIns.get(identifier) ?? records.peek(identifier),
    // Not an async function: it hands back the cache's own promise instead of one that waits on it.
    get: (identifier) => {
      const known = builtIns.get(identifier);
      return known ? Promise.resolve(known) : records.get(identifier);
    },
    async list() {
      return [...builtIns.values(), ...(await records.list())];
    },
    async create(record) {
      if (builtIns.has(record.identifier)) return false;
      return records.insert(record.identifier, record);
    },
    save: (record) => records.put(record.identifier, record),
    delete: (identifier) => records.delete(identifier),
  };
}
