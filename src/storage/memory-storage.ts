import { RateLimiterMemory } from 'rate-limiter-flexible';

import type { Collection, GrantPrincipal, ModelAdapter, ModelPayload, RateLimiterOptions, RefreshTokenRotation, Storage } from './storage.ts';
import { consumableModels, grantableModels, principalsOf } from './storage.ts';
import { alreadyConsumed } from './consume-conflict.ts';
import { createMemoryKeySetStore } from './memory-key-set-store.ts';
import { memoryKeys } from './storage-names.ts';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** Where a consumed refresh token led (see Storage.rotateRefreshToken). */
interface Rotation {
  usedAtMs: number;
  successorKey: string;
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

  // Rotation state of refresh tokens, beside their payloads: `rotations` of consumed ones,
  // `replaced` those a retry of their predecessor replaced, `sent` those whose answer was sent.
  // All go with the token's entry.
  const rotations = new WeakMap<Entry, Rotation>();
  const replaced = new WeakSet<Entry>();
  const sent = new WeakSet<Entry>();

  // An index set lives as long as its longest-lived member.
  function addToSet(setKey: string, member: string, expiresIn: number | undefined) {
    const members = read<Set<string>>(setKey) ?? new Set<string>();
    members.add(member);
    const current = values.get(setKey)?.expiresAt ?? 0;
    const expiresAt = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    values.set(setKey, { value: members, expiresAt: Math.max(current, expiresAt) });
  }

  async function revokeByGrantId(grantId: string) {
    const members = read<Set<string>>(memoryKeys.grant(grantId));
    for (const key of members ?? []) values.delete(key);
    values.delete(memoryKeys.grant(grantId));
    // Marked for as long as the grant record lives (see Storage.isGrantRevoked).
    const grant = values.get(memoryKeys.model('Grant', grantId));
    if (grant && grant.expiresAt > Date.now()) values.set(memoryKeys.revokedGrant(grantId), { value: '1', expiresAt: grant.expiresAt });
  }

  const isGrantRevoked = (grantId: string) => read(memoryKeys.revokedGrant(grantId)) !== undefined;
  const revoked = (model: string, payload: ModelPayload) => grantableModels.has(model) && payload.grantId !== undefined && isGrantRevoked(payload.grantId);

  function saveModel(model: string, id: string, payload: ModelPayload, expiresIn: number | undefined) {
    const key = memoryKeys.model(model, id);
    const previous = read<ModelPayload>(key);
    write(key, { ...payload, ...(previous?.consumed ? { consumed: previous.consumed } : {}) }, expiresIn);
    if (grantableModels.has(model) && payload.grantId) addToSet(memoryKeys.grant(payload.grantId), key, expiresIn);
    if (model === 'Grant') {
      for (const principal of principalsOf(payload)) addToSet(memoryKeys.principalGrants(principal), id, expiresIn);
    }
    if (payload.uid) write(memoryKeys.uid(payload.uid), id, expiresIn);
    if (payload.userCode) write(memoryKeys.userCode(payload.userCode), id, expiresIn);
  }

  // The same steps as the Redis script (redis-scripts.ts), atomic here by being synchronous.
  function rotateRefreshToken({ previousId, id, payload, expiresIn, reuseIntervalSeconds }: RefreshTokenRotation) {
    const entry = values.get(memoryKeys.model('RefreshToken', previousId));
    const previous = read<ModelPayload>(memoryKeys.model('RefreshToken', previousId));
    if (!entry || !previous || revoked('RefreshToken', previous)) return 'gone';
    if (replaced.has(entry)) return 'reused';
    const now = Date.now();
    const rotation = rotations.get(entry);
    if (rotation || previous.consumed) {
      const successor = rotation && values.get(rotation.successorKey);
      const successorPayload = rotation && read<ModelPayload>(rotation.successorKey);
      if (!rotation || !successor || !successorPayload || successorPayload.consumed || (sent.has(successor) && now - rotation.usedAtMs >= reuseIntervalSeconds * 1000)) return 'reused';
      replaced.add(successor);
    } else {
      previous.consumed = Math.floor(now / 1000);
    }
    rotations.set(entry, { usedAtMs: rotation?.usedAtMs ?? now, successorKey: memoryKeys.model('RefreshToken', id) });
    saveModel('RefreshToken', id, payload, expiresIn);
    return 'rotated';
  }

  function annulRefreshTokenRotation({ previousId, id }: Pick<RefreshTokenRotation, 'previousId' | 'id'>) {
    const entry = values.get(memoryKeys.model('RefreshToken', previousId));
    const successorKey = memoryKeys.model('RefreshToken', id);
    if (!entry || rotations.get(entry)?.successorKey !== successorKey || read<ModelPayload>(successorKey)?.consumed) return;
    rotations.delete(entry);
    delete (entry.value as ModelPayload).consumed;
    values.delete(successorKey);
  }

  function confirmRefreshTokenRotation({ previousId, id }: Pick<RefreshTokenRotation, 'previousId' | 'id'>) {
    const entry = values.get(memoryKeys.model('RefreshToken', previousId));
    const successorKey = memoryKeys.model('RefreshToken', id);
    const successor = values.get(successorKey);
    if (entry && successor && rotations.get(entry)?.successorKey === successorKey) sent.add(successor);
  }

  async function revokeGrantsOf(principal: GrantPrincipal): Promise<number> {
    const grantIds = [...(read<Set<string>>(memoryKeys.principalGrants(principal)) ?? [])];
    for (const grantId of grantIds) {
      await revokeByGrantId(grantId);
      values.delete(memoryKeys.model('Grant', grantId));
    }
    values.delete(memoryKeys.principalGrants(principal));
    return grantIds.length;
  }

  function modelAdapter(model: string): ModelAdapter {
    return {
      async upsert(id, payload, expiresIn) {
        saveModel(model, id, payload, expiresIn);
      },
      async find(id) {
        const key = memoryKeys.model(model, id);
        const payload = read<ModelPayload>(key);
        if (!payload || revoked(model, payload)) return undefined;
        const entry = values.get(key) as Entry;
        // A refresh token replaced by a retry of its predecessor counts as used.
        return replaced.has(entry) ? { ...structuredClone(payload), consumed: payload.consumed ?? Math.floor(Date.now() / 1000) } : structuredClone(payload);
      },
      async findByUid(uid) {
        const id = read<string>(memoryKeys.uid(uid));
        return id ? this.find(id) : undefined;
      },
      async findByUserCode(userCode) {
        const id = read<string>(memoryKeys.userCode(userCode));
        return id ? this.find(id) : undefined;
      },
      async consume(id) {
        const payload = read<ModelPayload>(memoryKeys.model(model, id));
        if (!payload) throw alreadyConsumed(model);
        if (payload.consumed && consumableModels.has(model)) {
          if (payload.grantId) await revokeByGrantId(payload.grantId);
          throw alreadyConsumed(model);
        }
        payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        values.delete(memoryKeys.model(model, id));
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
    keySet: createMemoryKeySetStore(),
    revokeGrantsOf,
    async swapValue(name, value, ttlSeconds) {
      const previous = read<string>(memoryKeys.value(name));
      write(memoryKeys.value(name), value, ttlSeconds);
      return previous;
    },
    async getValue(name) {
      return read<string>(memoryKeys.value(name));
    },
    async replaceValue(name, expected, value, ttlSeconds) {
      if (read<string>(`value:${name}`) !== expected) return false;
      write(`value:${name}`, value, ttlSeconds);
      return true;
    },
    async deleteValue(name) {
      values.delete(`value:${name}`);
    },
    async pacePoll(name, { intervalSeconds, stepSeconds, toleranceMs, ttlSeconds }) {
      const now = Date.now();
      const previous = read<{ lastPollMs: number; intervalSeconds: number }>(memoryKeys.value(name));
      const interval = previous?.intervalSeconds ?? intervalSeconds;
      const tooSoon = previous !== undefined && now - previous.lastPollMs < interval * 1000 - toleranceMs;
      write(memoryKeys.value(name), { lastPollMs: now, intervalSeconds: tooSoon ? interval + stepSeconds : interval }, ttlSeconds);
      return tooSoon ? 'too-soon' : 'in-time';
    },
    async isGrantRevoked(grantId) {
      return isGrantRevoked(grantId);
    },
    async grantStands(grantId) {
      return read(memoryKeys.model('Grant', grantId)) !== undefined && !isGrantRevoked(grantId);
    },
    async rotateRefreshToken(rotation) {
      return rotateRefreshToken(rotation);
    },
    async annulRefreshTokenRotation(rotation) {
      annulRefreshTokenRotation(rotation);
    },
    async confirmRefreshTokenRotation(rotation) {
      confirmRefreshTokenRotation(rotation);
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
