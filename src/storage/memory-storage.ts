import { RateLimiterMemory } from 'rate-limiter-flexible';

import type { Collection, GrantPrincipal, ModelAdapter, ModelPayload, RateLimiterOptions, Storage } from './storage.ts';
import { consumableModels, grantableModels, principalsOf, revokedGrantValue } from './storage.ts';
import { alreadyConsumed } from './consume-conflict.ts';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * The in-process store of the development default. Single-threaded JavaScript makes each
 * method atomic, which is what `consume` relies on. Nothing survives a restart.
 */
export function createMemoryStorage(): Storage {
  const values = new Map<string, Entry>();
  const collections = new Map<string, Map<string, unknown>>();

  const read = <T>(key: string): T | undefined => {
    const entry = values.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      values.delete(key);
      return undefined;
    }
    return entry.value as T;
  };
  const write = (key: string, value: unknown, ttlSeconds?: number) => {
    values.set(key, { value, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : Infinity });
  };
  // Expired entries are dropped on read; this sweep bounds memory for entries never read again.
  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of values) if (entry.expiresAt <= now) values.delete(key);
  }, 60_000);
  sweeper.unref();

  const modelKey = (model: string, id: string) => `${model}:${id}`;
  const principalKey = (principal: GrantPrincipal) => `principal-grants:${principal.kind}:${principal.id}`;

  // An index set lives as long as its longest-lived member.
  function addToSet(setKey: string, member: string, expiresIn: number | undefined) {
    const members = read<Set<string>>(setKey) ?? new Set<string>();
    members.add(member);
    const current = values.get(setKey)?.expiresAt ?? 0;
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    values.set(setKey, { value: members, expiresAt: Math.max(current, expiresAt) });
  }

  async function revokeByGrantId(grantId: string) {
    const members = read<Set<string>>(`grant:${grantId}`);
    for (const key of members ?? []) values.delete(key);
    values.delete(`grant:${grantId}`);
    // Marked for as long as the grant record lives (see revokedGrantValue).
    const grant = values.get(modelKey('Grant', grantId));
    if (grant && grant.expiresAt > Date.now()) values.set(`value:${revokedGrantValue(grantId)}`, { value: '1', expiresAt: grant.expiresAt });
  }

  const revoked = (model: string, payload: ModelPayload) =>
    grantableModels.has(model) && payload.grantId !== undefined && read(`value:${revokedGrantValue(payload.grantId)}`) !== undefined;

  async function revokeGrantsOf(principal: GrantPrincipal): Promise<number> {
    const grantIds = [...(read<Set<string>>(principalKey(principal)) ?? [])];
    for (const grantId of grantIds) {
      await revokeByGrantId(grantId);
      values.delete(modelKey('Grant', grantId));
    }
    values.delete(principalKey(principal));
    return grantIds.length;
  }

  function modelAdapter(model: string): ModelAdapter {
    return {
      async upsert(id, payload, expiresIn) {
        const key = modelKey(model, id);
        const previous = read<ModelPayload>(key);
        write(key, { ...payload, ...(previous?.consumed ? { consumed: previous.consumed } : {}) }, expiresIn);
        if (grantableModels.has(model) && payload.grantId) addToSet(`grant:${payload.grantId}`, key, expiresIn);
        if (model === 'Grant') {
          for (const principal of principalsOf(payload)) addToSet(principalKey(principal), id, expiresIn);
        }
        if (payload.uid) write(`uid:${payload.uid}`, id, expiresIn);
        if (payload.userCode) write(`userCode:${payload.userCode}`, id, expiresIn);
      },
      async find(id) {
        const payload = read<ModelPayload>(modelKey(model, id));
        return payload && !revoked(model, payload) ? structuredClone(payload) : undefined;
      },
      async findByUid(uid) {
        const id = read<string>(`uid:${uid}`);
        return id ? this.find(id) : undefined;
      },
      async findByUserCode(userCode) {
        const id = read<string>(`userCode:${userCode}`);
        return id ? this.find(id) : undefined;
      },
      async consume(id) {
        const payload = read<ModelPayload>(modelKey(model, id));
        if (!payload) throw alreadyConsumed(model);
        if (payload.consumed && consumableModels.has(model)) {
          if (payload.grantId) await revokeByGrantId(payload.grantId);
          throw alreadyConsumed(model);
        }
        payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        values.delete(modelKey(model, id));
      },
      revokeByGrantId,
    };
  }

  function collection<T>(name: string): Collection<T> {
    let records = collections.get(name) as Map<string, T> | undefined;
    if (!records) {
      records = new Map<string, T>();
      collections.set(name, records);
    }
    const map = records;
    return {
      async get(id) {
        const value = map.get(id);
        return value === undefined ? undefined : structuredClone(value);
      },
      async list() {
        return [...map.values()].map((value) => structuredClone(value));
      },
      async put(id, value) {
        map.set(id, structuredClone(value));
      },
      async insert(id, value) {
        if (map.has(id)) return false;
        map.set(id, structuredClone(value));
        return true;
      },
      async delete(id) {
        return map.delete(id);
      },
    };
  }

  return {
    kind: 'memory',
    modelAdapter,
    collection,
    revokeGrantsOf,
    async swapValue(name, value, ttlSeconds) {
      const previous = read<string>(`value:${name}`);
      write(`value:${name}`, value, ttlSeconds);
      return previous;
    },
    async getValue(name) {
      return read<string>(`value:${name}`);
    },
    rateLimiter({ name, points, durationSeconds }: RateLimiterOptions) {
      return new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
    },
    async ping() {},
    async close() {
      clearInterval(sweeper);
      values.clear();
    },
  };
}
